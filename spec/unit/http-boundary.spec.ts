import { DriverException, NotFoundError as OrmNotFoundError } from '@mikro-orm/core';
import { expect } from 'chai';
import Koa from 'koa';
import supertest from 'supertest';
import { NotFound, RateLimited } from '../../src/domain/errors';
import { cors } from '../../src/http/cors';
import { type ErrorShape, errorHandler } from '../../src/http/error-handler';
import { UnauthorizedError } from '../../src/http/errors';
import { requestLog } from '../../src/http/request-log';
import { ServerErrors } from '../../src/http/server-errors';
import type { AppMiddleware } from '../../src/http/state';
import type { ErrorContext, ErrorReporter } from '../../src/observability/error-reporter';
import { capturingLogger } from '../support/log-capture';

/** An error reporter that keeps what it was given. */
function capturingReporter() {
  const reports: { error: unknown; context: ErrorContext }[] = [];
  const reporter: ErrorReporter = {
    enabled: true,
    capture: (error, context) => reports.push({ error, context }),
    flush: async () => true,
  };
  return { reporter, reports };
}

/** The app's outer middleware (request log, error boundary) around `inner`. */
function appWith(inner: AppMiddleware, shapes: ErrorShape[] = []) {
  const { logger, lines } = capturingLogger();
  const { reporter, reports } = capturingReporter();
  const app = new Koa();
  app.silent = true;
  app.use(requestLog(logger));
  app.use(errorHandler(new ServerErrors(logger, reporter), shapes));
  app.use(inner);
  return { request: supertest(app.callback()), lines, reports };
}

/** The app's outer middleware (request log, error boundary) around a route that throws `error`. */
function appThrowing(error: unknown, shapes: ErrorShape[] = []) {
  return appWith(() => {
    throw error;
  }, shapes);
}

describe('the HTTP error boundary, end to end through the middleware', () => {
  it('answers an unexpected error with a generic 500 and the request id; the stack goes only to the log', async () => {
    const secret = new Error('relation "users" does not exist at select * from users where password_hash = $1');
    const { request, lines } = appThrowing(secret);
    const response = await request.get('/anything').set('x-request-id', 'req-500').expect(500);
    expect(response.body).to.deep.equal({ errors: { body: ['internal server error (request id req-500)'] } });
    expect(JSON.stringify(response.body)).not.to.match(/relation|select|password|at /);
    const logged = lines.find((line) => line.msg === 'unhandled error') as unknown as {
      err: { stack: string };
      requestId: string;
    };
    expect(logged.requestId).to.equal('req-500');
    expect(logged).to.include({ method: 'GET', path: '/anything' });
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

describe('the HTTP error boundary: what is logged and reported, and the headers', () => {
  it('logs and reports a 5xx with where it happened; a 4xx is neither logged nor reported', async () => {
    const failing = appWith((ctx) => {
      (ctx as { _matchedRoute?: string })._matchedRoute = '/api/articles/:slug';
      throw new Error('boom');
    });
    await failing.request.get('/api/articles/some-slug').set('x-request-id', 'req-5xx').expect(500);
    expect(failing.lines.filter((line) => line.msg === 'unhandled error')).to.have.length(1);
    expect(failing.reports).to.have.length(1);
    expect(failing.reports[0].context).to.deep.include({
      source: 'http',
      requestId: 'req-5xx',
      method: 'GET',
      route: '/api/articles/:slug',
    });

    const unmatched = appThrowing(new Error('before routing'));
    await unmatched.request.post('/api/nowhere').expect(500);
    expect(unmatched.reports[0].context).to.deep.include({ method: 'POST', route: '/api/nowhere' });

    const missing = appThrowing(new NotFound('article not found'));
    await missing.request.get('/api/articles/nope').expect(404, { errors: { body: ['article not found'] } });
    expect(missing.lines.filter((line) => line.msg === 'unhandled error')).to.deep.equal([]);
    expect(missing.reports).to.deep.equal([]);
  });

  it("maps the ORM's not-found to 404 without its message", async () => {
    const { request } = appThrowing(new OrmNotFoundError('User not found ({ id: 42 })'));
    await request.get('/api/profiles/x').expect(404, { errors: { body: ['not found'] } });
  });

  it('asks a rate-limited client to retry after the limit’s own delay, not the 503 one', async () => {
    const response = await appThrowing(new RateLimited(42)).request.post('/api/users/login').expect(429);
    expect(response.headers['retry-after']).to.equal('42');
    const other = await appThrowing(new NotFound('x')).request.get('/x').expect(404);
    expect(other.headers).not.to.have.property('retry-after');
  });

  it('challenges a 401 with the Token scheme, and only a 401', async () => {
    const denied = await appThrowing(new UnauthorizedError()).request.get('/api/user').expect(401);
    expect(denied.headers['www-authenticate']).to.equal('Token');
    const missing = await appThrowing(new NotFound('x')).request.get('/x').expect(404);
    expect(missing.headers).not.to.have.property('www-authenticate');
  });

  it('lets an error shape that applies write the body, with the client-safe status and messages', async () => {
    const seen: unknown[] = [];
    const shapes: ErrorShape[] = [
      { appliesTo: (ctx) => ctx.path === '/elsewhere', respond: () => seen.push('wrong shape') },
      {
        appliesTo: (ctx) => ctx.path === '/oauth/token',
        respond: (ctx, error, description) => {
          seen.push(description);
          ctx.body = { error: 'server_error', thrown: error instanceof Error };
        },
      },
    ];
    const { request } = appThrowing(new Error('secret detail'), shapes);
    const response = await request.post('/oauth/token').set('x-request-id', 'req-shape').expect(500);
    expect(response.body).to.deep.equal({ error: 'server_error', thrown: true });
    expect(seen).to.deep.equal([{ status: 500, messages: ['internal server error (request id req-shape)'] }]);
    const unshaped = await request.post('/api/other').expect(500);
    expect(unshaped.body.errors.body[0]).to.match(/^internal server error \(request id /);
  });
});

describe('the request log', () => {
  it('writes one line per request, errors included: id, method, path, status and duration in ms', async () => {
    const { request, lines } = appWith(async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      ctx.status = ctx.path === '/gone' ? 404 : 200;
      ctx.body = { ok: true };
    });
    await request.get('/slow?x=1').set('x-request-id', 'req-log-1').expect(200);
    await request.get('/gone').set('x-request-id', 'req-log-2').expect(404);
    const logged = lines.filter((line) => line.msg === 'request');
    expect(logged.map(({ requestId, method, path, status }) => ({ requestId, method, path, status }))).to.deep.equal([
      { requestId: 'req-log-1', method: 'GET', path: '/slow', status: 200 },
      { requestId: 'req-log-2', method: 'GET', path: '/gone', status: 404 },
    ]);
    const durationMs = logged[0].durationMs as number;
    expect(durationMs).to.be.within(25, 2000);
    // Rounded to a tenth of a millisecond.
    expect(Math.round(durationMs * 10) / 10).to.equal(durationMs);
  });
});

describe('the HTTP error boundary: requests that no route answered', () => {
  it('answers 404 naming the method and path, without the Allow list a 405 would carry', async () => {
    const { request } = appWith((ctx) => {
      ctx.set('Allow', 'GET');
    });
    const response = await request.get('/api/nothing-here').expect(404);
    expect(response.body).to.deep.equal({ errors: { body: ['no route for GET /api/nothing-here'] } });
    expect(response.headers).not.to.have.property('allow');
  });

  it("turns the router's 501 into 405 with the Allow list where routes exist, 404 elsewhere", async () => {
    const withRoutes = appWith((ctx) => {
      ctx.status = 501;
      ctx.set('Allow', 'GET, POST');
    });
    const response = await withRoutes.request.delete('/api/tags').expect(405);
    expect(response.body).to.deep.equal({ errors: { body: ['method DELETE is not allowed on /api/tags'] } });
    expect(response.headers.allow).to.equal('GET, POST');

    const without = appWith((ctx) => {
      ctx.status = 501;
    });
    await without.request.delete('/nowhere').expect(404, { errors: { body: ['no route for DELETE /nowhere'] } });
  });

  it('leaves an answered request alone, and a 405 keeps its Allow list', async () => {
    const answered = appWith((ctx) => {
      ctx.status = 201;
      ctx.body = { ok: true };
    });
    await answered.request.post('/api/things').expect(201, { ok: true });
    // A route's own 404 (with its body) and a 204 without one are answers, not missing routes.
    const ownNotFound = appWith((ctx) => {
      ctx.status = 404;
      ctx.body = { errors: { body: ['no such thing'] } };
    });
    await ownNotFound.request.get('/api/things/1').expect(404, { errors: { body: ['no such thing'] } });
    const noContent = appWith((ctx) => {
      ctx.status = 204;
    });
    const empty = await noContent.request.delete('/api/things/1').expect(204);
    expect(empty.text).to.equal('');

    const refused = appWith((ctx) => {
      ctx.status = 405;
      ctx.set('Allow', 'GET');
    });
    const response = await refused.request.put('/api/tags').expect(405);
    expect(response.body).to.deep.equal({ errors: { body: ['method PUT is not allowed on /api/tags'] } });
    expect(response.headers.allow).to.equal('GET');
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
