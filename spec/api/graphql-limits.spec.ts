import { expect } from 'chai';
import supertest from 'supertest';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/logger';
import { createUser, type UserFixture } from '../support/factories';
import { errorCodes, type GraphqlBody } from '../support/graphql';
import { api, testEnvironment } from '../support/test-env';

/** Sends a request and returns its response with the number of SQL statements it cost. */
async function withStatements(request: supertest.Test) {
  const { sqlLog } = testEnvironment();
  sqlLog.clear();
  const response = await request;
  return { response, body: response.body as GraphqlBody, statements: [...sqlLog.all] };
}

function post(body: unknown, token?: string) {
  const request = api()
    .post('/graphql')
    .set('Content-Type', 'application/json')
    .send(body as object);
  return token ? request.set('Authorization', `Token ${token}`) : request;
}

/**
 * Each limit refuses an operation with a clear error before any resolver runs: the caller's
 * token is valid, so a statement would be the user lookup, and there is none.
 */
describe('GraphQL abuse limits (POST /graphql)', () => {
  let caller: UserFixture;

  before(async () => {
    caller = await createUser();
  });

  it('refuses an operation nested deeper than 12 levels with QUERY_TOO_DEEP and no SQL', async () => {
    // Our schema has no cycles, so only introspection nests this deep (ofType chains, which
    // graphql-js's own introspection depth rule does not count).
    const query = `{ __schema { types { fields { type { ${'ofType { '.repeat(10)}name${' }'.repeat(10)} } } } } me { username } }`;
    const { body, statements } = await withStatements(post({ query }, caller.token).expect(200));
    expect(errorCodes(body), JSON.stringify(body)).to.deep.equal(['QUERY_TOO_DEEP']);
    expect(body.errors?.[0].message).to.equal('the operation nests deeper than 12 levels');
    expect(body.data).to.equal(undefined);
    expect(statements).to.deep.equal([]);
  });

  it('refuses an operation costing more than 5000 with QUERY_TOO_COSTLY and no SQL', async () => {
    const query = `{ articles(limit: 100) { articles { slug comments(first: 20) { body author { username bio image following } } } } }`;
    const { body, statements } = await withStatements(post({ query }, caller.token).expect(200));
    expect(errorCodes(body)).to.deep.equal(['QUERY_TOO_COSTLY']);
    expect(body.errors?.[0].message).to.match(/^the operation costs \d+, more than the maximum of 5000$/);
    expect(statements).to.deep.equal([]);
  });

  it('prices a page by its limit: the 20-article page with comments is well within the budget', async () => {
    const query = `{ articles(limit: 20) { articlesCount articles { slug tagList favorited author { username following } comments(first: 3) { body author { username } } } } }`;
    const { body } = await withStatements(post({ query }, caller.token).expect(200));
    expect(body.errors).to.equal(undefined);
  });

  it('refuses more than 20 aliases with TOO_MANY_ALIASES and no SQL', async () => {
    const aliases = Array.from({ length: 21 }, (_, i) => `t${i}: tags`).join(' ');
    const { body, statements } = await withStatements(post({ query: `{ ${aliases} me { username } }` }, caller.token));
    expect(errorCodes(body)).to.deep.equal(['TOO_MANY_ALIASES']);
    expect(statements).to.deep.equal([]);
    const twenty = Array.from({ length: 20 }, (_, i) => `t${i}: __typename`).join(' ');
    const allowed = await post({ query: `{ ${twenty} }` }).expect(200);
    expect(allowed.body.errors).to.equal(undefined);
  });

  it('refuses a document of more than 2000 tokens with QUERY_TOO_LARGE and no SQL', async () => {
    const query = `{ me { username } ${'__typename '.repeat(2000)}}`;
    const { body, statements } = await withStatements(post({ query }, caller.token));
    expect(errorCodes(body)).to.deep.equal(['QUERY_TOO_LARGE']);
    expect(body.errors?.[0].message).to.equal('the document has more than 2000 tokens');
    expect(statements).to.deep.equal([]);
  });

  it('refuses a body above 256kb with 413 PAYLOAD_TOO_LARGE and no SQL', async () => {
    const query = 'query ($b: String!) { me { username } tags b: __typename }';
    const { response, body, statements } = await withStatements(
      post({ query, variables: { b: 'x'.repeat(300 * 1024) } }, caller.token),
    );
    expect(response.status).to.equal(413);
    expect(errorCodes(body)).to.deep.equal(['PAYLOAD_TOO_LARGE']);
    expect(body.errors?.[0].message).to.equal('request body is larger than 256kb');
    expect(statements).to.deep.equal([]);
  });

  it('refuses a batch (a JSON array of operations) with 400 BATCHING_NOT_SUPPORTED and no SQL', async () => {
    const operations = [{ query: '{ me { username } }' }, { query: '{ tags }' }];
    const { response, body, statements } = await withStatements(post(operations, caller.token));
    expect(response.status).to.equal(400);
    expect(errorCodes(body)).to.deep.equal(['BATCHING_NOT_SUPPORTED']);
    expect(body.errors?.[0].message).to.match(/^batched operations \(a JSON array\) are not supported/);
    expect(statements).to.deep.equal([]);
  });

  it('refuses malformed JSON with 400 in the GraphQL error shape', async () => {
    const response = await api()
      .post('/graphql')
      .set('Content-Type', 'application/json')
      .send('{"query": ')
      .expect(400);
    expect(errorCodes(response.body)).to.deep.equal(['BAD_REQUEST']);
  });

  it('answers introspection outside production', async () => {
    const { body } = await post({ query: '{ __schema { queryType { name } } }' }).expect(200);
    expect(body).to.deep.equal({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('refuses introspection when GRAPHQL_INTROSPECTION is off, with no SQL', async () => {
    const { config, database } = testEnvironment();
    const app = createApp({
      config: { ...config, graphql: { ...config.graphql, introspection: false } },
      logger: createLogger(config),
      orm: database.orm,
    });
    const { body, statements } = await withStatements(
      supertest(app.callback())
        .post('/graphql')
        .set('Authorization', `Token ${caller.token}`)
        .send({ query: '{ __schema { queryType { name } } me { username } }' })
        .expect(200),
    );
    expect(body.errors?.[0].message).to.match(/introspection/i);
    expect(statements).to.deep.equal([]);
    const ordinary = await supertest(app.callback()).post('/graphql').send({ query: '{ tags }' }).expect(200);
    expect(ordinary.body.errors).to.equal(undefined);
  });
});
