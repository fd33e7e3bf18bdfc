import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import type Koa from 'koa';
import supertest from 'supertest';
import { buildOrmOptions } from '../../mikro-orm.config';
import { createApp } from '../../src/app';
import type { AppConfig } from '../../src/config/config';
import { createLambdaHandler, type LambdaEvent } from '../../src/lambda';
import { createLogger } from '../../src/logger';
import { type ErrorReporter, errorReporterFor } from '../../src/observability/error-reporter';
import { authHeader, createArticle, createUser, type UserFixture } from '../support/factories';
import { lambdaBridge } from '../support/lambda-bridge';
import { type SentryIngest, startSentryIngest } from '../support/sentry-ingest';
import { em, testEnvironment } from '../support/test-env';

/**
 * Error reporting with the real Sentry SDK, sent to a loopback server standing in for Sentry
 * (spec/support/sentry-ingest.ts). The 500 is real too: a trigger in the spec database refuses
 * comments whose body starts with BOOM, an error the API has no mapping for.
 */
const BOOM = 'sentry-boom';

describe('Error reporting (Sentry)', () => {
  let ingest: SentryIngest;
  let config: AppConfig;
  let reporter: ErrorReporter;
  let app: Koa;
  let request: () => supertest.Agent;
  let author: UserFixture;
  let slug: string;
  let counter = 0;

  before(async () => {
    ingest = await startSentryIngest();
    config = { ...testEnvironment().config, sentryDsn: ingest.dsn, sentryEnvironment: 'spec' };
    reporter = await errorReporterFor(config);
    app = createApp({
      config,
      logger: createLogger(config),
      orm: testEnvironment().database.orm,
      errorReporter: reporter,
    });
    // The same transport as the rest of the suite: with SPEC_TRANSPORT=lambda, through the handler.
    const target =
      testEnvironment().transport === 'lambda' ? lambdaBridge(createLambdaHandler(async () => app)) : app.callback();
    request = () => supertest(target);
    await em()
      .getConnection()
      .execute(`
      create or replace function spec_sentry_boom() returns trigger language plpgsql as $$
      begin
        if new.body like '${BOOM}%' then raise exception 'spec trigger refused the comment'; end if;
        return new;
      end $$;
      drop trigger if exists spec_sentry_boom on comments;
      create trigger spec_sentry_boom before insert on comments for each row execute function spec_sentry_boom();
    `);
    author = await createUser();
    slug = (await createArticle(author.user)).slug;
  });

  after(async () => {
    await em()
      .getConnection()
      .execute('drop trigger if exists spec_sentry_boom on comments; drop function if exists spec_sentry_boom();');
    await ingest.close();
  });

  beforeEach(async () => {
    // Whatever an earlier test left in flight lands before this one counts.
    await reporter.flush(2000);
    ingest.envelopes.length = 0;
    ingest.events.length = 0;
  });

  function uniqueRequestId() {
    counter += 1;
    return `sentry-spec-${process.pid}-${counter}`;
  }

  it('reports a 500 once, with request id, route, method and user id, and sends no secret', async () => {
    const requestId = uniqueRequestId();
    const commentBody = `${BOOM} private words ${requestId}`;
    const response = await request()
      .post(`/api/articles/${slug}/comments`)
      .set(authHeader(author))
      .set('Cookie', 'session=cookie-secret-value')
      .set('x-request-id', requestId)
      .send({ comment: { body: commentBody }, password: 'hunter2-password-secret' })
      .expect(500);
    expect(response.body.errors.body[0]).to.include(requestId);

    await reporter.flush(2000);
    expect(ingest.events).to.have.length(1);
    const [event] = ingest.events;
    expect(event.tags).to.include({
      request_id: requestId,
      route: '/api/articles/:slug/comments',
      method: 'POST',
      source: 'http',
    });
    expect(event.user).to.deep.equal({ id: String(author.user.id) });
    expect(event).to.include({ environment: 'spec', release: config.sentryRelease });
    expect(JSON.stringify(event.exception)).to.include('spec trigger refused the comment');

    const sent = ingest.envelopes.join('\n');
    for (const secret of [author.token, 'cookie-secret-value', 'hunter2-password-secret', 'private words']) {
      expect(sent).not.to.include(secret);
    }
    expect(event.request).to.equal(undefined);
  });

  it('reports a GraphQL resolver failure once, as the REST boundary does, without secrets', async () => {
    const requestId = uniqueRequestId();
    const response = await request()
      .post('/graphql')
      .set('Accept', 'application/json')
      .set(authHeader(author))
      .set('x-request-id', requestId)
      .send({
        query: 'mutation ($s: String!, $b: String!) { addComment(slug: $s, body: $b) { id } }',
        variables: { s: slug, b: `${BOOM} graphql private words` },
      })
      .expect(200);
    expect(response.body.errors).to.have.length(1);
    expect(response.body.errors[0].extensions).to.include({ code: 'INTERNAL_SERVER_ERROR', requestId });

    await reporter.flush(2000);
    expect(ingest.events).to.have.length(1);
    const [event] = ingest.events;
    expect(event.tags).to.include({
      request_id: requestId,
      route: '/graphql addComment',
      method: 'POST',
      source: 'graphql',
    });
    expect(event.user).to.deep.equal({ id: String(author.user.id) });
    const sent = ingest.envelopes.join('\n');
    for (const secret of [author.token, 'graphql private words']) expect(sent).not.to.include(secret);
  });

  it('reports no 4xx', async () => {
    await request().get('/api/user').expect(401);
    await request().get('/api/nothing-here').expect(404);
    await request()
      .post('/api/users')
      .send({ user: { email: 'not an email' } })
      .expect(422);
    await request().get(`/api/articles/${slug}-missing`).expect(404);
    await reporter.flush(2000);
    expect(ingest.events).to.have.length(0);
  });

  it('through the Lambda handler, has sent the report before the invocation resolves', async () => {
    const requestId = uniqueRequestId();
    const handler = createLambdaHandler(async () => app);
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: `/api/articles/${slug}/comments`,
      rawQueryString: '',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...authHeader(author) },
      body: JSON.stringify({ comment: { body: `${BOOM} ${requestId}` } }),
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'POST', path: `/api/articles/${slug}/comments`, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9' },
        requestId: 'apigw-sentry-spec',
        stage: '$default',
      },
    } as LambdaEvent;
    const result = (await handler(event, {})) as { statusCode: number };
    expect(result.statusCode).to.equal(500);
    // No flush here: the handler must have waited for the report.
    expect(ingest.events.map((sent) => sent.tags?.request_id)).to.deep.equal([requestId]);
  });

  describe('when the database does not answer', () => {
    let orm: MikroORM;
    let outageRequest: () => supertest.Agent;

    before(async () => {
      orm = await MikroORM.init({
        ...buildOrmOptions({ ...config, dbAcquireTimeoutMs: 1000 }),
        clientUrl: 'postgres://postgres:db-password-secret@127.0.0.1:9/unreachable',
        connect: false,
      });
      const outageApp = createApp({ config, logger: createLogger(config), orm, errorReporter: reporter });
      outageRequest = () => supertest(outageApp.callback());
    });

    after(() => orm.close(true));

    it('reports the outage once, with its first 503, not once per request', async () => {
      for (let i = 0; i < 3; i += 1) await outageRequest().get('/api/tags').expect(503);
      await reporter.flush(2000);
      expect(ingest.events).to.have.length(1);
      expect(ingest.events[0].tags).to.include({ outage: 'database', route: '/api/tags', method: 'GET' });
      expect(ingest.envelopes.join('\n')).not.to.include('db-password-secret');
    });
  });
});
