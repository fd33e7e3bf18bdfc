import zlib, { gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import Koa from 'koa';
import { createApp } from '../../src/app';
import {
  createLambdaHandler,
  isBinaryResponse,
  type LambdaEvent,
  type LambdaHandler,
  stripStagePrefix,
} from '../../src/lambda';
import { createLogger } from '../../src/logger';
import { authHeader, createArticle, createUser, uniqueUserInput } from '../support/factories';
import { testEnvironment } from '../support/test-env';

interface Result {
  statusCode: number;
  headers: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded: boolean;
}

function handler(): LambdaHandler {
  return createLambdaHandler(async () => testEnvironment().app);
}

async function invoke(event: LambdaEvent): Promise<Result> {
  return (await handler()(event, {})) as Result;
}

function httpApiEvent(method: string, rawPath: string, options: Partial<Record<string, unknown>> = {}): LambdaEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: { host: 'api.example.com' },
    requestContext: {
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'spec' },
      requestId: 'apigw-request-id-1',
      stage: '$default',
    },
    ...options,
  } as LambdaEvent;
}

function restApiEvent(method: string, path: string, options: Partial<Record<string, unknown>> = {}): LambdaEvent {
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    requestContext: { stage: 'dev', requestId: 'rest-request-id-1', identity: { sourceIp: '203.0.113.9' } },
    body: null,
    isBase64Encoded: false,
    ...options,
  } as LambdaEvent;
}

describe('Lambda handler', () => {
  describe('the client address (abuse limits)', () => {
    it("counts API Gateway's sourceIp, not an X-Forwarded-For the client wrote", async () => {
      const { config: base, database } = testEnvironment();
      const config = {
        ...base,
        rateLimits: { ...base.rateLimits, enabled: true, loginPerIp: { limit: 1, windowSeconds: 900 } },
      };
      const limited = createLambdaHandler(async () =>
        createApp({ config, logger: createLogger(config), orm: database.orm }),
      );
      const suffix = `${process.pid % 250}.${Date.now() % 250}`;
      const attempt = async (sourceIp: string, forwardedFor: string) => {
        const event = httpApiEvent('POST', '/api/users/login', {
          headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
          body: JSON.stringify({ user: { email: `nobody-${sourceIp}@example.com`, password: 'x' } }),
        });
        (event.requestContext as { http: { sourceIp: string } }).http.sourceIp = sourceIp;
        return ((await limited(event, {})) as Result).statusCode;
      };
      expect(await attempt(`198.51.${suffix}`, '192.0.2.1')).to.equal(401);
      expect(await attempt(`198.51.${suffix}`, '192.0.2.2')).to.equal(429);
      expect(await attempt(`203.0.${suffix}`, '192.0.2.1')).to.equal(401);
    });
  });

  describe('HTTP API events (payload 2.0)', () => {
    it('serves GET / like the server', async () => {
      const result = await invoke(httpApiEvent('GET', '/'));
      expect(result.statusCode).to.equal(200);
      expect(result.body).to.equal('Hello World!');
      expect(result.isBase64Encoded).to.equal(false);
    });

    it('reads a base64-encoded JSON body', async () => {
      const input = uniqueUserInput('lambda');
      const result = await invoke(
        httpApiEvent('POST', '/api/users', {
          headers: { 'content-type': 'application/json' },
          body: Buffer.from(JSON.stringify({ user: input })).toString('base64'),
          isBase64Encoded: true,
        }),
      );
      expect(result.statusCode).to.equal(201);
      expect(JSON.parse(result.body).user.username).to.equal(input.username);
    });

    it('keeps repeated query keys (a repeated tag is a 422, as over HTTP)', async () => {
      const result = await invoke(httpApiEvent('GET', '/api/articles', { rawQueryString: 'tag=a&tag=b' }));
      expect(result.statusCode).to.equal(422);
    });

    it('strips a named stage from rawPath', async () => {
      const event = httpApiEvent('GET', '/prod/api/tags');
      (event.requestContext as { stage: string }).stage = 'prod';
      const result = await invoke(event);
      expect(result.statusCode).to.equal(200);
      expect(JSON.parse(result.body)).to.have.property('tags');
    });

    it('passes headers, and answers errors exactly as the server does, with the API Gateway request id', async () => {
      const result = await invoke(
        httpApiEvent('GET', '/api/user', { cookies: ['a=1', 'b=2'], headers: { authorization: 'Token a.b.c' } }),
      );
      expect(result.statusCode).to.equal(401);
      expect(JSON.parse(result.body)).to.deep.equal({ errors: { body: ['missing or invalid authorization token'] } });
      expect(result.headers['x-request-id']).to.equal('apigw-request-id-1');
      expect(result.headers['content-type']).to.match(/^application\/json/);
    });

    it('hands the event cookies to the app as one Cookie header, and its Set-Cookie back as cookies', async () => {
      const echo = new Koa();
      echo.use((ctx) => {
        ctx.cookies.set('session', 'abc', { signed: false });
        ctx.body = { cookie: ctx.get('cookie') };
      });
      const result = (await createLambdaHandler(async () => echo)(
        httpApiEvent('GET', '/', { cookies: ['a=1', 'b=2'] }),
        {},
      )) as Result & { cookies?: string[] };
      expect(JSON.parse(result.body)).to.deep.equal({ cookie: 'a=1; b=2' });
      // Secure: API Gateway requests arrive over HTTPS.
      expect(result.cookies).to.deep.equal(['session=abc; path=/; secure; httponly']);
    });

    it('gives each request its own id under serverless-offline, whose events all carry one constant id', async () => {
      const offline = () =>
        httpApiEvent('GET', '/', {
          requestContext: { http: { method: 'GET', path: '/' }, requestId: 'offlineContext_resourceId' },
        });
      const [first, second] = [await invoke(offline()), await invoke(offline())];
      expect(first.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
      expect(second.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
      expect(first.headers['x-request-id']).not.to.equal(second.headers['x-request-id']);
    });

    it('returns a gzip body base64-encoded when the client accepts gzip', async () => {
      const author = await createUser();
      for (let i = 0; i < 5; i += 1) await createArticle(author.user, { description: 'long '.repeat(100) });
      const result = await invoke(
        httpApiEvent('GET', '/api/articles', { headers: { 'accept-encoding': 'gzip' }, rawQueryString: 'limit=5' }),
      );
      expect(result.statusCode).to.equal(200);
      expect(result.headers['content-encoding']).to.equal('gzip');
      expect(result.isBase64Encoded).to.equal(true);
      const json = JSON.parse(gunzipSync(Buffer.from(result.body, 'base64')).toString('utf8'));
      expect(json.articles).to.have.length(5);
    });

    it('returns the encoding a browser prefers (zstd where Node has it) base64-encoded, intact', async () => {
      const author = await createUser();
      for (let i = 0; i < 5; i += 1) await createArticle(author.user, { description: 'long '.repeat(100) });
      // What Chromium sends. Node 22.15+ has zstd, and koa-compress prefers it: the response
      // was once sent as text and corrupted (found by the /docs browser spec on Node 22).
      const result = await invoke(
        httpApiEvent('GET', '/api/articles', {
          headers: { 'accept-encoding': 'gzip, deflate, br, zstd' },
          rawQueryString: 'limit=5',
        }),
      );
      const encoding = result.headers['content-encoding'];
      expect(encoding).to.equal('zstdDecompressSync' in zlib ? 'zstd' : 'br');
      expect(result.isBase64Encoded).to.equal(true);
      const bytes = Buffer.from(result.body, 'base64');
      const decode = (zlib as unknown as Record<string, (input: Buffer) => Buffer>)[
        encoding === 'zstd' ? 'zstdDecompressSync' : 'brotliDecompressSync'
      ];
      expect(JSON.parse(decode(bytes).toString('utf8')).articles).to.have.length(5);
    });
  });

  describe('REST API events (payload 1.0)', () => {
    it('serves an authenticated request with multi-value headers, and keeps repeated query keys', async () => {
      const reader = await createUser();
      const result = await invoke(
        restApiEvent('GET', '/api/articles', {
          headers: authHeader(reader),
          multiValueHeaders: { Authorization: [authHeader(reader).Authorization] },
          queryStringParameters: { limit: '2' },
          multiValueQueryStringParameters: { limit: ['2'], offset: ['0'] },
        }),
      );
      expect(result.statusCode).to.equal(200);
      expect(JSON.parse(result.body).articles.length).to.be.at.most(2);
      expect(result.multiValueHeaders).to.be.an('object');

      const repeated = await invoke(
        restApiEvent('GET', '/api/articles', {
          queryStringParameters: { tag: 'b' },
          multiValueQueryStringParameters: { tag: ['a', 'b'] },
        }),
      );
      expect(repeated.statusCode).to.equal(422);
    });

    it('reads a JSON body and returns 404 JSON for unknown routes', async () => {
      const result = await invoke(
        restApiEvent('POST', '/api/nothing', { body: '{"a":1}', headers: { 'content-type': 'application/json' } }),
      );
      expect(result.statusCode).to.equal(404);
      expect(JSON.parse(result.body)).to.deep.equal({ errors: { body: ['no route for POST /api/nothing'] } });
    });
  });

  describe('initialisation', () => {
    it('builds the app once per container, and retries after a failed start', async () => {
      let calls = 0;
      const flaky = createLambdaHandler(async (): Promise<Koa> => {
        calls += 1;
        if (calls === 1) throw new Error('database not reachable yet');
        return testEnvironment().app;
      });
      const context = {} as { callbackWaitsForEmptyEventLoop?: boolean };
      const failed = await flaky(httpApiEvent('GET', '/'), context).catch((error: Error) => error);
      expect(failed).to.be.instanceOf(Error);
      for (const _ of [1, 2, 3]) {
        const result = (await flaky(httpApiEvent('GET', '/'), context)) as Result;
        expect(result.statusCode).to.equal(200);
      }
      expect(calls).to.equal(2);
      expect(context.callbackWaitsForEmptyEventLoop).to.equal(false);
    });

    it('starts building before the first event when eager, and builds once', async () => {
      let calls = 0;
      const eager = createLambdaHandler(
        async () => {
          calls += 1;
          return testEnvironment().app;
        },
        { eager: true },
      );
      expect(calls).to.equal(1);
      const result = (await eager(httpApiEvent('GET', '/'), {})) as Result;
      expect(result.statusCode).to.equal(200);
      expect(calls).to.equal(1);
    });
  });
});

describe('isBinaryResponse', () => {
  it('is true for compressed and non-text bodies, false for JSON and text', () => {
    expect(isBinaryResponse({ 'content-encoding': 'gzip', 'content-type': 'application/json' })).to.equal(true);
    expect(isBinaryResponse({ 'content-encoding': 'zstd', 'content-type': 'text/css' })).to.equal(true);
    expect(isBinaryResponse({ 'content-encoding': 'identity', 'content-type': 'text/css' })).to.equal(false);
    expect(isBinaryResponse({ 'content-type': 'image/png' })).to.equal(true);
    expect(isBinaryResponse({ 'content-type': 'application/octet-stream' })).to.equal(true);
    expect(isBinaryResponse({ 'content-type': 'application/json; charset=utf-8' })).to.equal(false);
    expect(isBinaryResponse({ 'content-type': 'text/plain; charset=utf-8' })).to.equal(false);
    expect(isBinaryResponse({})).to.equal(false);
  });
});

describe('stripStagePrefix', () => {
  const v2 = (stage: string) => ({ version: '2.0', requestContext: { stage } });

  it('removes a named HTTP API stage', () => {
    expect(stripStagePrefix('/prod/api/tags?x=1', v2('prod'))).to.equal('/api/tags?x=1');
    expect(stripStagePrefix('/prod', v2('prod'))).to.equal('/');
  });

  it('leaves $default stages, other prefixes and REST API events alone', () => {
    expect(stripStagePrefix('/api/tags', v2('$default'))).to.equal('/api/tags');
    expect(stripStagePrefix('/production/x', v2('prod'))).to.equal('/production/x');
    expect(stripStagePrefix('/dev/api', { requestContext: { stage: 'dev' } })).to.equal('/dev/api');
  });
});
