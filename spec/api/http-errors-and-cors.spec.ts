import { expect } from 'chai';
import type supertest from 'supertest';
import { createUser, uniqueUserInput } from '../support/factories';
import { api } from '../support/test-env';

describe('Unknown routes and methods', () => {
  it('returns a JSON 404 in the error shape for an unknown path', async () => {
    const response = await api().get('/api/nothing-here').expect(404);
    expect(response.body).to.deep.equal({ errors: { body: ['no route for GET /api/nothing-here'] } });
  });

  it('returns a JSON 405 for a known path with an unsupported method', async () => {
    const response = await api().delete('/api/users').expect(405);
    expect(response.body.errors.body[0]).to.include('DELETE');
    expect(response.headers.allow).to.equal('POST');
  });

  // Methods no route implements (TRACE, PROPFIND, ...) follow the same rule as any other: the
  // path decides between 405 (with Allow, so the client learns what works) and 404. Never 501, a
  // 5xx that would count a scanner's probes as server errors.
  for (const method of ['trace', 'propfind', 'mkcol', 'copy'] as const) {
    it(`answers ${method.toUpperCase()} with 405 and Allow on a known path, 404 on an unknown one`, async () => {
      const known = await api()[method]('/api/user').expect(405);
      expect(known.headers.allow).to.equal('HEAD, GET, PUT');
      expect(known.body).to.deep.equal({
        errors: { body: [`method ${method.toUpperCase()} is not allowed on /api/user`] },
      });
      const unknown = await api()[method]('/api/nothing-here').expect(404);
      expect(unknown.headers.allow).to.equal(undefined);
      expect(unknown.body).to.deep.equal({
        errors: { body: [`no route for ${method.toUpperCase()} /api/nothing-here`] },
      });
    });
  }
});

describe('Request ids and logging', () => {
  it('returns a generated x-request-id', async () => {
    const response = await api().get('/').expect(200);
    expect(response.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
  });

  it("reuses a caller's plain x-request-id and replaces an unsafe one", async () => {
    const reused = await api().get('/').set('x-request-id', 'abc-123').expect(200);
    expect(reused.headers['x-request-id']).to.equal('abc-123');
    const replaced = await api().get('/').set('x-request-id', 'bad id\twith spaces').expect(200);
    expect(replaced.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
  });
});

describe('CORS', () => {
  it('answers a preflight on any route with 204 and the allowed origin, methods and headers', async () => {
    const response = await api()
      .options('/api/user')
      .set('Origin', 'https://conduit.example')
      .set('Access-Control-Request-Method', 'PUT')
      .set('Access-Control-Request-Headers', 'content-type, authorization')
      .expect(204);
    expect(response.headers['access-control-allow-origin']).to.equal('*');
    expect(response.headers['access-control-allow-methods']).to.equal('GET, POST, PUT, DELETE, OPTIONS');
    expect(response.headers['access-control-allow-headers']).to.equal(
      'content-type, authorization, x-request-id, if-none-match',
    );
    // Browsers may reuse the preflight for 10 minutes instead of sending one before every request.
    expect(response.headers['access-control-max-age']).to.equal('600');
  });

  it('puts the CORS headers on error responses too', async () => {
    const response = await api().get('/api/user').set('Origin', 'https://conduit.example').expect(401);
    expect(response.headers['access-control-allow-origin']).to.equal('*');
    expect(response.body).to.have.nested.property('errors.body');
  });
});

describe('Hostile and malformed requests', () => {
  /** `count` short distinct keys, as a hostile client packs the most of them into a body. */
  function manyKeys(count: number, into: Record<string, unknown> = {}): Record<string, unknown> {
    for (let i = 0; i < count; i += 1) into[`_${i.toString(36)}`] = 1;
    return into;
  }

  // class-transformer's cost grows with the square of an object's key count: 120,000 keys in a
  // 1 MB body held the event loop for 8-12 s. The body parser must refuse them before it runs.
  it('refuses an object with more keys than any DTO could use (422), without transforming it', async () => {
    const body = { user: manyKeys(6_000, { email: 'nobody@example.com', password: 'password123' }) };
    const response = await api().post('/api/users/login').send(body).expect(422);
    expect(response.body).to.deep.equal({
      errors: { body: ['request body has an object with more than 64 keys'] },
    });
    await api()
      .post('/api/users/login')
      .send({ user: manyKeys(63, { email: 'nobody@example.com', password: 'password123' }) })
      .expect(422);
  });

  // JSON.parse alone takes 40-50 ms on a 1 MB body of 116,000 keys: the limits are checked on
  // the text, so such a body costs a linear scan and is never parsed into an object at all.
  it('refuses a body over the limits without parsing it into an object', async () => {
    const hostile = JSON.stringify({ user: manyKeys(6_000, { email: 'a@b.co' }) });
    const deep = `{"user":${'{"a":'.repeat(200)}1${'}'.repeat(200)}}`;
    const wide = JSON.stringify({ user: { email: 'a@b.co', tags: Array.from({ length: 5_000 }, () => 0) } });
    const parsed: string[] = [];
    const parse = JSON.parse;
    JSON.parse = function spy(this: JSON, text: string, ...rest: unknown[]) {
      parsed.push(String(text));
      return parse.call(this, text, ...(rest as []));
    } as typeof JSON.parse;
    try {
      for (const body of [hostile, deep, wide]) {
        await api().post('/api/users/login').set('content-type', 'application/json').send(body).expect(422);
      }
    } finally {
      JSON.parse = parse;
    }
    for (const body of [hostile, deep, wide]) expect(parsed, `${body.slice(0, 40)}…`).not.to.include(body);
  });

  it('refuses a body with more values in all than any DTO could use (422)', async () => {
    const objects = Array.from({ length: 40 }, () => manyKeys(60));
    const response = await api()
      .post('/api/users/login')
      .send({ user: { email: 'a@b.co', objects } })
      .expect(422);
    expect(response.body).to.deep.equal({ errors: { body: ['request body has more than 1000 values'] } });
    const array = await api()
      .post('/api/users/login')
      .send({ user: { email: 'a@b.co', tags: Array.from({ length: 5_000 }, () => 0) } })
      .expect(422);
    expect(array.body.errors.body).to.deep.equal(['request body has more than 1000 values']);
  });

  // Structural characters inside keys and strings, escaped quotes and backslashes included, must
  // not be counted as keys or values by the check on the text.
  it('still accepts a body with some properties it does not know, up to the limits', async () => {
    const input = uniqueUserInput('extra');
    const response = await api()
      .post('/api/users')
      .send({ user: manyKeys(61, { ...input }), ...manyKeys(62), 'a key: {with} [json], "chars"\\': '":{[,]}\\"' })
      .expect(201);
    expect(response.body.user.username).to.equal(input.username);
  });

  it('ignores query parameters it does not know (no operator injection)', async () => {
    const response = await api().get('/api/articles?limit[$gt]=1&author[$ne]=x').expect(200);
    expect(response.body.articles.length).to.be.at.most(20);
  });
});

/**
 * Hostile and malformed input, one case per row: each gets its own 4xx and message in the error
 * shape, never a 5xx, never SQL, a stack or a hash.
 */
describe('Hostile input, case by case', () => {
  type Send = (token: string) => supertest.Test;
  const json = (path: string, text: string) => () =>
    api().post(path).set('content-type', 'application/json').send(text);
  const cases: Array<[string, Send, number, string]> = [
    ['a JSON array body', json('/api/users', '[]'), 422, 'request body must be a JSON object'],
    ['a JSON string body', json('/api/users', '"just a string"'), 400, 'request body is not valid JSON'],
    ['a JSON null body', json('/api/users', 'null'), 400, 'request body is not valid JSON'],
    [
      'a __proto__ key',
      json('/api/users', '{"__proto__": {"admin": true}}'),
      422,
      'must not contain a "__proto__" key',
    ],
    [
      'a constructor key',
      json('/api/users', '{"user": {"constructor": {"prototype": {}}}}'),
      422,
      'must not contain a "constructor" key',
    ],
    [
      'a text/plain body',
      () => api().post('/api/users').set('content-type', 'text/plain').send('user=alice'),
      422,
      'user is required',
    ],
    [
      'a form body',
      () =>
        api().post('/api/users').set('content-type', 'application/x-www-form-urlencoded').send('user[email]=a@b.co'),
      422,
      'user is required',
    ],
    [
      'a body that is not the brotli it claims to be',
      () => api().post('/api/users').set('content-type', 'application/json').set('content-encoding', 'br').send('{}'),
      400,
      'request body could not be read',
    ],
    [
      'an unknown content-encoding',
      () =>
        api().post('/api/users').set('content-type', 'application/json').set('content-encoding', 'compress').send('{}'),
      415,
      'content-encoding is not supported',
    ],
    [
      'SQL in the login fields',
      () =>
        api()
          .post('/api/users/login')
          .send({ user: { email: "' or 1=1 --", password: "' or 1=1 --" } }),
      401,
      'email or password is invalid',
    ],
    [
      'NUL in the login fields',
      () =>
        api()
          .post('/api/users/login')
          .send({ user: { email: 'a\u0000b@c.de', password: 'x\u0000y' } }),
      422,
      'NUL',
    ],
    [
      '10,000-character username and password',
      () =>
        api()
          .post('/api/users')
          .send({ user: { username: 'a'.repeat(10_000), email: 'x@y.zz', password: 'p'.repeat(10_000) } }),
      422,
      'username must be shorter than or equal to 64 characters',
    ],
    [
      'NUL in a username',
      () =>
        api()
          .post('/api/users')
          .send({ user: { username: 'nul\u0000name', email: 'nul@example.com', password: 'password123' } }),
      422,
      'NUL',
    ],
    [
      'an object where the bio goes',
      (token) =>
        api()
          .put('/api/user')
          .set('Authorization', `Token ${token}`)
          .send({ user: { bio: { nested: true } } }),
      422,
      'bio must be a string',
    ],
    [
      'NUL in an email update',
      (token) =>
        api()
          .put('/api/user')
          .set('Authorization', `Token ${token}`)
          .send({ user: { email: 'a\u0000@b.co' } }),
      422,
      'NUL',
    ],
    [
      'a token that is not a JWT',
      () => api().get('/api/user').set('Authorization', 'Token a.b.c'),
      401,
      'missing or invalid authorization token',
    ],
    [
      'a 4,000-character token',
      () =>
        api()
          .get('/api/user')
          .set('Authorization', `Token ${'x'.repeat(4000)}.y.z`),
      401,
      'missing or invalid authorization token',
    ],
    ['a truncated percent-encoding', () => api().get('/%E0%A4%A'), 400, 'not correctly percent-encoded'],
    ['a path with ../', () => api().get('/api/users/../../etc/passwd'), 404, 'no route for GET'],
    [
      'NUL in a title',
      (token) =>
        api()
          .post('/api/articles')
          .set('Authorization', `Token ${token}`)
          .send({ article: { title: 'a\u0000b', description: 'd', body: 'b' } }),
      422,
      'NUL',
    ],
    [
      'a 10,000-character tag',
      (token) =>
        api()
          .post('/api/articles')
          .set('Authorization', `Token ${token}`)
          .send({ article: { title: 't', description: 'd', body: 'b', tagList: ['x'.repeat(10_000)] } }),
      422,
      'each tag must be at most 64 characters',
    ],
    [
      'wrong types in an article',
      (token) =>
        api()
          .post('/api/articles')
          .set('Authorization', `Token ${token}`)
          .send({ article: { title: ['t'], description: {}, body: 1 } }),
      422,
      'title must be a string',
    ],
    [
      'an operator object as a comment body',
      (token) =>
        api()
          .post('/api/articles/some-slug/comments')
          .set('Authorization', `Token ${token}`)
          .send({ comment: { body: { $gt: '' } } }),
      422,
      'body must be a string',
    ],
    ['an encoded NUL in a path', () => api().get('/api/articles/%00'), 400, 'must not contain NUL'],
    [
      'an invalid percent-encoding in a path',
      () => api().get('/api/profiles/%ZZ'),
      400,
      'not correctly percent-encoded',
    ],
    ['limit=1e400', () => api().get('/api/articles?limit=1e400'), 422, 'limit must be a whole number'],
    ['offset=1e400', () => api().get('/api/articles?offset=1e400'), 422, 'offset must be a whole number'],
    ['an encoded NUL in a query', () => api().get('/api/articles?tag=a%00b'), 400, 'must not contain NUL'],
    [
      'a comment id of 1e400',
      (token) => api().delete('/api/articles/x/comments/1e400').set('Authorization', `Token ${token}`),
      404,
      'comment not found',
    ],
    [
      '200,000 brackets',
      json('/api/users', `${'['.repeat(100_000)}${']'.repeat(100_000)}`),
      413,
      'request body is larger than 64kb',
    ],
    [
      '5,000 levels of nesting',
      json('/api/users', `{"user":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`),
      422,
      'nested more than 16 levels',
    ],
  ];

  let token: string;
  before(async () => {
    token = (await createUser()).token;
  });

  for (const [what, send, status, message] of cases) {
    it(`answers ${what} with ${status}`, async () => {
      const response = await send(token);
      const label = `${response.status} ${JSON.stringify(response.body)}`;
      expect(response.status, label).to.equal(status);
      expect(response.body.errors.body.join(' '), label).to.include(message);
      expect(label).not.to.match(/select |insert |argon2|at [A-Za-z]+ \(|node_modules/i);
    });
  }
});
