import { Writable } from 'node:stream';
import { DriverException } from '@mikro-orm/core';
import { expect } from 'chai';
import Koa from 'koa';
import pino from 'pino';
import supertest from 'supertest';
import { cors } from '../../src/http/cors';
import { errorHandler } from '../../src/http/error-handler';
import { requestLog } from '../../src/http/request-log';
import { ServerErrors } from '../../src/http/server-errors';

/** A logger whose JSON lines land in `lines`. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: 'info', base: undefined }, sink);
  return { logger, lines };
}

/** The app's outer middleware (request log, error boundary) around a route that throws `error`. */
function appThrowing(error: unknown) {
  const { logger, lines } = capturingLogger();
  const app = new Koa();
  app.silent = true;
  app.use(requestLog(logger));
  app.use(errorHandler(new ServerErrors(logger)));
  app.use(() => {
    throw error;
  });
  return { request: supertest(app.callback()), lines };
}

describe('the HTTP error boundary, end to end through the middleware', () => {
  it('answers an unexpected error with a generic 500 and the request id; the stack goes only to the log', async () => {
    const secret = new Error('relation "users" does not exist at select * from users where password_hash = $1');
    const { request, lines } = appThrowing(secret);
    const response = await request.get('/anything').set('x-request-id', 'req-500').expect(500);
    expect(response.body).to.deep.equal({ errors: { body: ['internal server error (request id req-500)'] } });
    expect(JSON.stringify(response.body)).not.to.match(/relation|select|password|at /);
    const logged = lines.find((line) => line.msg === 'unhandled error') as {
      err: { stack: string };
      requestId: string;
    };
    expect(logged.requestId).to.equal('req-500');
    expect(logged.err.stack).to.include('relation "users" does not exist');
  });

  it('answers a lost database connection with 503 and Retry-After', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const { request } = appThrowing(new DriverException(refused));
    const response = await request.get('/api/tags').expect(503);
    expect(response.headers['retry-after']).to.equal('5');
    expect(response.body).to.deep.equal({
      errors: { body: ['the service is temporarily unavailable, please retry'] },
    });
  });
});

describe('CORS with an allow-list (production)', () => {
  const app = new Koa();
  app.use(cors(['https://front.example']));
  app.use((ctx) => {
    ctx.body = { ok: true };
  });
  const request = () => supertest(app.callback());

  it('allows a listed origin, and says the answer varies by Origin', async () => {
    const response = await request().get('/').set('Origin', 'https://front.example').expect(200);
    expect(response.headers['access-control-allow-origin']).to.equal('https://front.example');
    expect(response.headers.vary).to.match(/\bOrigin\b/);
  });

  it('gives an unlisted origin no Allow-Origin, so the browser blocks it; a preflight still gets 204', async () => {
    const response = await request().get('/').set('Origin', 'https://evil.example').expect(200);
    expect(response.headers).not.to.have.property('access-control-allow-origin');
    expect(response.headers.vary).to.match(/\bOrigin\b/);
    const preflight = await request().options('/').set('Origin', 'https://evil.example').expect(204);
    expect(preflight.headers).not.to.have.property('access-control-allow-origin');
  });
});
