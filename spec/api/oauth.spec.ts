import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { createApp } from '../../src/app';
import type { AppConfig } from '../../src/config/config';
import { createLogger } from '../../src/logger';
import { hashToken } from '../../src/modules/oauth/oauth.service';
import { authHeader, createUser, DEFAULT_PASSWORD, type UserFixture } from '../support/factories';
import { graphql } from '../support/graphql';
import { api, em, targetOf, testEnvironment } from '../support/test-env';

/** A form body, as RFC 6749 clients send it. */
function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

function postToken(fields: Record<string, string>, target = testEnvironment().target) {
  return api(target).post('/oauth/token').type('form').send(form(fields));
}

function passwordGrant(fixture: UserFixture, extra: Record<string, string> = {}) {
  return postToken({ grant_type: 'password', username: fixture.user.username, password: fixture.password, ...extra });
}

function refreshGrant(refreshToken: string, extra: Record<string, string> = {}) {
  return postToken({ grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });
}

function expectNoStore(response: Response) {
  expect(response.headers['cache-control']).to.equal('no-store');
  expect(response.headers.pragma).to.equal('no-cache');
}

function expectOAuthError(response: Response, error: string, description?: string) {
  expect(response.body).to.have.all.keys('error', 'error_description');
  expect(response.body.error).to.equal(error);
  if (description !== undefined) expect(response.body.error_description).to.equal(description);
  expectNoStore(response);
}

async function familyRevoked(refreshToken: string): Promise<boolean> {
  const [row] = await em().execute<{ revoked: boolean }[]>(
    `select f.revoked_at is not null as revoked from oauth_refresh_tokens t
       join oauth_refresh_token_families f on f.id = t.family_id where t.token_hash = ?`,
    [hashToken(refreshToken)],
  );
  return row.revoked;
}

function appWith(overrides: Partial<AppConfig>) {
  const { config: base, database } = testEnvironment();
  const config = { ...base, ...overrides };
  return targetOf(createApp({ config, logger: createLogger(config), orm: database.orm }));
}

describe('POST /oauth/token', () => {
  describe('grant_type=password', () => {
    it('returns 200 with a Bearer access token, its lifetime and a refresh token, never cached', async () => {
      const fixture = await createUser();
      const response = await passwordGrant(fixture).expect(200);
      expect(response.body).to.have.all.keys('access_token', 'token_type', 'expires_in', 'refresh_token');
      expect(response.body.token_type).to.equal('Bearer');
      expect(response.body.expires_in).to.equal(testEnvironment().config.oauth.accessTokenTtlSeconds);
      expect(response.body.refresh_token).to.match(/^[\w-]{43}$/);
      expectNoStore(response);
      const claims = jwt.decode(response.body.access_token) as { sub: string; exp: number; iat: number };
      expect(claims.sub).to.equal(String(fixture.user.id));
      expect(claims.exp - claims.iat).to.equal(response.body.expires_in);
      // The refresh token lives OAUTH_REFRESH_TOKEN_TTL from now (stored, not told to the client).
      const [stored] = await em().execute<{ seconds: number }[]>(
        'select extract(epoch from expires_at - now())::integer as seconds from oauth_refresh_tokens where token_hash = ?',
        [hashToken(response.body.refresh_token)],
      );
      const ttl = testEnvironment().config.oauth.refreshTokenTtlSeconds;
      expect(stored.seconds).to.be.within(ttl - 60, ttl);
    });

    it('issues an access token every protected route accepts, like a login', async () => {
      const fixture = await createUser();
      const { body } = await passwordGrant(fixture).expect(200);
      const me = await api().get('/api/user').set('Authorization', `Bearer ${body.access_token}`).expect(200);
      expect(me.body.user.username).to.equal(fixture.user.username);
      await api().get('/protected').set('Authorization', `Token ${body.access_token}`).expect(200);
    });

    it('never trades an access token for a longer-lived one: GET and PUT /api/user answer tokens that expire with it', async () => {
      const fixture = await createUser();
      const { body } = await passwordGrant(fixture).expect(200);
      const presented = jwt.decode(body.access_token) as { exp: number };
      const me = await api().get('/api/user').set('Authorization', `Bearer ${body.access_token}`).expect(200);
      expect(me.body.user.token, 'GET answers the token it was sent').to.equal(body.access_token);
      const renamed = `${fixture.user.username}-2`;
      const updated = await api()
        .put('/api/user')
        .set('Authorization', `Bearer ${body.access_token}`)
        .send({ user: { username: renamed } })
        .expect(200);
      const reissued = jwt.decode(updated.body.user.token) as { exp: number; username: string };
      expect(reissued.username, 'PUT signs the new username').to.equal(renamed);
      expect(reissued.exp, 'and no later expiry than the token sent').to.be.at.most(presented.exp);
      expect(reissued.exp).to.be.at.least(presented.exp - 5);
      const viaGraphql = await graphql('{ me { token } }', undefined, updated.body.user.token).expect(200);
      expect(viaGraphql.body.data.me.token, 'GraphQL me answers the token it was sent').to.equal(
        updated.body.user.token,
      );
    });

    it('accepts the e-mail address as username, in any case, and a JSON body', async () => {
      const fixture = await createUser();
      await api()
        .post('/oauth/token')
        .send({ grant_type: 'password', username: fixture.user.email.toUpperCase(), password: fixture.password })
        .expect(200);
    });

    it('stores only a hash of the refresh token', async () => {
      const fixture = await createUser();
      const { body } = await passwordGrant(fixture).expect(200);
      const rows = await em().execute<{ token_hash: string }[]>(
        `select t.token_hash from oauth_refresh_tokens t join oauth_refresh_token_families f on f.id = t.family_id
          where f.user_id = ?`,
        [fixture.user.id],
      );
      expect(rows.map((row) => row.token_hash)).to.deep.equal([hashToken(body.refresh_token)]);
      expect(JSON.stringify(rows)).not.to.include(body.refresh_token);
    });

    it('returns the scope when one is asked for, and 400 invalid_scope for an unknown one', async () => {
      const fixture = await createUser();
      const granted = await passwordGrant(fixture, { scope: 'conduit' }).expect(200);
      expect(granted.body.scope).to.equal('conduit');
      const refused = await passwordGrant(fixture, { scope: 'conduit admin' }).expect(400);
      expectOAuthError(refused, 'invalid_scope', 'unknown scope; supported: conduit');
    });

    it('returns 400 invalid_grant for a wrong password or an unknown user, alike', async () => {
      const fixture = await createUser();
      const wrong = await passwordGrant({ ...fixture, password: 'not the password' }).expect(400);
      expectOAuthError(wrong, 'invalid_grant', 'username or password is invalid');
      const unknown = await postToken({ grant_type: 'password', username: 'nobody-at-all', password: 'x' }).expect(400);
      expect(unknown.body).to.deep.equal(wrong.body);
    });

    it('returns 400 invalid_request when username or password is missing (an empty value is missing)', async () => {
      const noPassword = await postToken({ grant_type: 'password', username: 'someone' }).expect(400);
      expectOAuthError(noPassword, 'invalid_request');
      expect(noPassword.body.error_description).to.equal('password is required');
      const empty = await postToken({ grant_type: 'password', username: '', password: 'x' }).expect(400);
      expect(empty.body.error_description).to.equal('username is required');
    });
  });

  describe('grant_type=refresh_token', () => {
    it('rotates: returns a new refresh token and a new access token, and the old refresh token is spent', async () => {
      const fixture = await createUser();
      const first = await passwordGrant(fixture).expect(200);
      const second = await refreshGrant(first.body.refresh_token).expect(200);
      expect(second.body.refresh_token).not.to.equal(first.body.refresh_token);
      expectNoStore(second);
      await api().get('/api/user').set('Authorization', `Bearer ${second.body.access_token}`).expect(200);
      const third = await refreshGrant(second.body.refresh_token).expect(200);
      expect(third.body.token_type).to.equal('Bearer');
    });

    it('keeps the scope of the login, may narrow it, and refuses to widen it without spending the token', async () => {
      const fixture = await createUser();
      const scoped = await passwordGrant(fixture, { scope: 'conduit' }).expect(200);
      const kept = await refreshGrant(scoped.body.refresh_token).expect(200);
      expect(kept.body.scope).to.equal('conduit');

      const unscoped = await passwordGrant(fixture).expect(200);
      const widened = await refreshGrant(unscoped.body.refresh_token, { scope: 'conduit' }).expect(400);
      expectOAuthError(widened, 'invalid_scope', 'a refresh cannot ask for a scope the login was not granted');
      // Not rotated, not revoked: the client can go on without the scope.
      const after = await refreshGrant(unscoped.body.refresh_token).expect(200);
      expect(after.body).not.to.have.property('scope');
    });

    it('returns 400 invalid_grant for an unknown refresh token', async () => {
      const response = await refreshGrant('x'.repeat(43)).expect(400);
      expectOAuthError(response, 'invalid_grant');
      expect(response.body.error_description).to.equal('refresh token is invalid');
    });

    it('detects reuse: a rotated token used again revokes the whole family, the newest token included', async () => {
      const fixture = await createUser();
      const first = await passwordGrant(fixture).expect(200);
      const second = await refreshGrant(first.body.refresh_token).expect(200);

      const replay = await refreshGrant(first.body.refresh_token).expect(400);
      expectOAuthError(replay, 'invalid_grant');
      expect(replay.body.error_description).to.match(/already used/);
      expect(await familyRevoked(second.body.refresh_token)).to.equal(true);

      const legitimate = await refreshGrant(second.body.refresh_token).expect(400);
      expect(legitimate.body.error_description).to.equal('refresh token has been revoked');
      // Another login of the same user is another family: untouched.
      const other = await passwordGrant(fixture).expect(200);
      await refreshGrant(other.body.refresh_token).expect(200);
    });

    it('lets exactly one of two concurrent uses of one token succeed; the loser is a reuse, so the family dies', async () => {
      const fixture = await createUser();
      const { body } = await passwordGrant(fixture).expect(200);
      const responses = await Promise.all([refreshGrant(body.refresh_token), refreshGrant(body.refresh_token)]);
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).to.deep.equal([200, 400]);
      const winner = responses.find((response) => response.status === 200) as Response;
      const loser = responses.find((response) => response.status === 400) as Response;
      expectOAuthError(loser, 'invalid_grant');
      // The winner's access token works until it expires; its refresh token is revoked with the family.
      await api().get('/api/user').set('Authorization', `Bearer ${winner.body.access_token}`).expect(200);
      await refreshGrant(winner.body.refresh_token).expect(400);
      const [{ count }] = await em().execute<{ count: number }[]>(
        `select count(*)::int as count from oauth_refresh_tokens t join oauth_refresh_token_families f on f.id = t.family_id
          where f.user_id = ?`,
        [fixture.user.id],
      );
      expect(count, 'one rotation happened').to.equal(2);
    });

    it('returns 400 invalid_grant for an expired refresh token', async () => {
      const fixture = await createUser();
      const { body } = await passwordGrant(fixture).expect(200);
      // Age the token instead of the clock: the row's expiry moves one second into the past.
      await em().execute(
        "update oauth_refresh_tokens set expires_at = now() - interval '1 second' where token_hash = ?",
        [hashToken(body.refresh_token)],
      );
      const response = await refreshGrant(body.refresh_token).expect(400);
      expectOAuthError(response, 'invalid_grant');
      expect(response.body.error_description).to.equal('refresh token has expired');
    });

    it('refuses a token issued to another client', async () => {
      const fixture = await createUser();
      const { body } = await passwordGrant(fixture, { client_id: 'conduit-ios' }).expect(200);
      const response = await refreshGrant(body.refresh_token, { client_id: 'conduit-android' }).expect(400);
      expect(response.body.error_description).to.equal('refresh token was issued to another client');
      await refreshGrant(body.refresh_token, { client_id: 'conduit-ios' }).expect(200);
    });

    it('returns 400 invalid_request without refresh_token', async () => {
      expectOAuthError(await postToken({ grant_type: 'refresh_token' }).expect(400), 'invalid_request');
    });
  });

  describe('the request', () => {
    it('returns 400 invalid_request without grant_type, and unsupported_grant_type for another grant', async () => {
      expectOAuthError(await postToken({ username: 'a', password: 'b' }).expect(400), 'invalid_request');
      const other = await postToken({ grant_type: 'client_credentials' }).expect(400);
      expectOAuthError(other, 'unsupported_grant_type');
      expect(other.body.error_description).not.to.include('client_credentials');
    });

    it('returns 400 invalid_request for a repeated parameter (RFC 6749 §3.2)', async () => {
      const response = await api()
        .post('/oauth/token')
        .type('form')
        .send('grant_type=password&username=a&password=b&password=c')
        .expect(400);
      expectOAuthError(response, 'invalid_request');
      expect(response.body.error_description).to.equal('parameter password is repeated');
    });

    it('returns 400 invalid_request for non-string JSON values, malformed JSON and overlong values', async () => {
      const typed = await api().post('/oauth/token').send({ grant_type: 'password', username: 1, password: 'x' });
      expectOAuthError(typed.status === 400 ? typed : (expect.fail(String(typed.status)) as never), 'invalid_request');
      const malformed = await api().post('/oauth/token').type('json').send('{"grant_type":').expect(400);
      expectOAuthError(malformed, 'invalid_request');
      const long = await postToken({ grant_type: 'password', username: 'a', password: 'x'.repeat(1025) }).expect(400);
      expectOAuthError(long, 'invalid_request');
    });

    it('returns 413 invalid_request for a body over the size limit, form or JSON', async () => {
      const big = 'x'.repeat(70 * 1024);
      expectOAuthError(await postToken({ grant_type: 'password', username: big }).expect(413), 'invalid_request');
      const json = await api().post('/oauth/token').send({ grant_type: 'password', username: big }).expect(413);
      expectOAuthError(json, 'invalid_request');
    });

    it('returns 400 invalid_request for a JSON body beyond the shape limits (422 on the API routes)', async () => {
      const wide = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`k${i}`, 'v']));
      expectOAuthError(await api().post('/oauth/token').send(wide).expect(400), 'invalid_request');
    });

    it('returns 400 invalid_request for a body that is neither a form nor JSON', async () => {
      const response = await api().post('/oauth/token').type('text').send('grant_type=password').expect(400);
      expectOAuthError(response, 'invalid_request');
    });

    it('ignores unknown parameters and a RealWorld Authorization header', async () => {
      const fixture = await createUser();
      await passwordGrant(fixture, { state: 'whatever' }).set(authHeader(fixture)).expect(200);
    });

    it('returns 401 invalid_client with WWW-Authenticate for a client secret (there are only public clients)', async () => {
      const fixture = await createUser();
      const inBody = await passwordGrant(fixture, { client_id: 'app', client_secret: 's3cret' }).expect(401);
      expectOAuthError(inBody, 'invalid_client');
      expect(inBody.headers['www-authenticate']).to.match(/^Basic realm="conduit"/);
      const basic = await passwordGrant(fixture).auth('app', 's3cret').expect(401);
      expectOAuthError(basic, 'invalid_client');
    });

    it('accepts HTTP Basic with a public client id and an empty password', async () => {
      const fixture = await createUser();
      const { body } = await passwordGrant(fixture).auth('conduit-ios', '').expect(200);
      await refreshGrant(body.refresh_token, { client_id: 'conduit-android' }).expect(400);
    });

    it('returns 401 invalid_client for a client OAUTH_CLIENT_IDS does not list, or none, when it lists some', async () => {
      const fixture = await createUser();
      const listed = appWith({ oauth: { ...testEnvironment().config.oauth, clientIds: ['conduit-ios'] } });
      const fields = { grant_type: 'password', username: fixture.user.username, password: DEFAULT_PASSWORD };
      const other = await postToken({ ...fields, client_id: 'other' }, listed).expect(401);
      expectOAuthError(other, 'invalid_client', 'unknown client');
      expectOAuthError(await postToken(fields, listed).expect(401), 'invalid_client', 'client_id is required');
      await postToken({ ...fields, client_id: 'conduit-ios' }, listed).expect(200);
    });

    it('answers other methods 405 in the API error shape, still never cached', async () => {
      const response = await api().get('/oauth/token').expect(405);
      expect(response.body.errors.body).to.have.length(1);
      expectNoStore(response);
    });
  });

  describe('access token lifetime (OAUTH_ACCESS_TOKEN_TTL)', () => {
    it('issues access tokens that expire as configured, then get 401 everywhere', async function () {
      this.timeout(15_000);
      const fixture = await createUser();
      const shortLived = appWith({ oauth: { ...testEnvironment().config.oauth, accessTokenTtlSeconds: 1 } });
      const { body } = await postToken(
        { grant_type: 'password', username: fixture.user.username, password: fixture.password },
        shortLived,
      ).expect(200);
      expect(body.expires_in).to.equal(1);
      await api().get('/api/user').set('Authorization', `Bearer ${body.access_token}`).expect(200);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      await api().get('/api/user').set('Authorization', `Bearer ${body.access_token}`).expect(401);
      // The refresh token outlives it: that is what it is for.
      await refreshGrant(body.refresh_token).expect(200);
    });
  });

  describe('SQL statements', () => {
    it('password grant: 2 statements (the user, then the family with its token); refresh grant: 1', async () => {
      const fixture = await createUser();
      const { sqlLog } = testEnvironment();
      sqlLog.clear();
      const login = await passwordGrant(fixture).expect(200);
      expect(sqlLog.count, sqlLog.all.join('\n')).to.equal(2);
      sqlLog.clear();
      await refreshGrant(login.body.refresh_token).expect(200);
      expect(sqlLog.count, sqlLog.all.join('\n')).to.equal(1);
      sqlLog.clear();
      await refreshGrant(login.body.refresh_token).expect(400);
      expect(sqlLog.count, 'a failed rotation, then its diagnosis (and revocation)').to.equal(2);
    });
  });
});

describe('POST /oauth/revoke', () => {
  function revoke(fields: Record<string, string>) {
    return api().post('/oauth/revoke').type('form').send(form(fields));
  }

  it('returns 200 with no body and revokes the refresh token with its whole family', async () => {
    const fixture = await createUser();
    const first = await passwordGrant(fixture).expect(200);
    const second = await refreshGrant(first.body.refresh_token).expect(200);
    const response = await revoke({ token: first.body.refresh_token, token_type_hint: 'refresh_token' }).expect(200);
    expect(response.text).to.equal('');
    expectNoStore(response);
    const refused = await refreshGrant(second.body.refresh_token).expect(400);
    expect(refused.body.error_description).to.equal('refresh token has been revoked');
  });

  it('returns 200 for an unknown or already revoked token too (RFC 7009 §2.2)', async () => {
    // Not JWTs, though a JWT's shape is inside them: unknown tokens, answered 200 like any other.
    for (const token of ['no-such-token', 'not-one:a.b.c', 'a.b.c:not-one']) await revoke({ token }).expect(200);
    const fixture = await createUser();
    const { body } = await passwordGrant(fixture).expect(200);
    await revoke({ token: body.refresh_token }).expect(200);
    await revoke({ token: body.refresh_token, token_type_hint: 'access_token' }).expect(200);
  });

  it('returns 400 unsupported_token_type for an access token: they are JWTs, and expire instead', async () => {
    const fixture = await createUser();
    const { body } = await passwordGrant(fixture).expect(200);
    const response = await revoke({ token: body.access_token, token_type_hint: 'access_token' }).expect(400);
    expectOAuthError(response, 'unsupported_token_type', 'access tokens cannot be revoked; they expire');
  });

  it('returns 400 invalid_request without a token', async () => {
    expectOAuthError(await revoke({ token_type_hint: 'refresh_token' }).expect(400), 'invalid_request');
  });

  it('revokes in one SQL statement', async () => {
    const { sqlLog } = testEnvironment();
    sqlLog.clear();
    await revoke({ token: 'no-such-token' }).expect(200);
    expect(sqlLog.count, sqlLog.all.join('\n')).to.equal(1);
  });
});

describe('PUT /api/user with a new password', () => {
  it("revokes every refresh token of the user, in every family, and only that user's", async () => {
    const fixture = await createUser();
    const bystander = await createUser();
    const phone = await passwordGrant(fixture).expect(200);
    const laptop = await passwordGrant(fixture).expect(200);
    const theirs = await passwordGrant(bystander).expect(200);

    await api()
      .put('/api/user')
      .set(authHeader(fixture))
      .send({ user: { password: 'a brand new password' } })
      .expect(200);

    for (const grant of [phone, laptop]) {
      const response = await refreshGrant(grant.body.refresh_token).expect(400);
      expect(response.body.error_description).to.equal('refresh token has been revoked');
    }
    await refreshGrant(theirs.body.refresh_token).expect(200);
    // The new password works, at once.
    await postToken({
      grant_type: 'password',
      username: fixture.user.username,
      password: 'a brand new password',
    }).expect(200);
  });

  it('makes a refresh racing the revocation wait for it, then refuses it (no fresh access token slips out)', async () => {
    const fixture = await createUser();
    const { body } = await passwordGrant(fixture).expect(200);
    // Another connection revokes the user's families, as a password change does, and holds its
    // transaction open: the refresh must wait on the family row, not read the old state and rotate.
    const revoker = new Client({ connectionString: testEnvironment().database.url });
    await revoker.connect();
    try {
      await revoker.query('begin');
      await revoker.query(
        'update oauth_refresh_token_families set revoked_at = now() where user_id = $1 and revoked_at is null',
        [fixture.user.id],
      );
      let settled = false;
      const refresh = refreshGrant(body.refresh_token).then((response) => {
        settled = true;
        return response;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled, 'the refresh waited for the revocation').to.equal(false);
      await revoker.query('commit');
      const response = await refresh;
      expect(response.status).to.equal(400);
      expect(response.body.error_description).to.equal('refresh token has been revoked');
    } finally {
      await revoker.end();
    }
  });

  it('leaves refresh tokens alone when other fields change', async () => {
    const fixture = await createUser();
    const { body } = await passwordGrant(fixture).expect(200);
    await api()
      .put('/api/user')
      .set(authHeader(fixture))
      .send({ user: { bio: 'new bio' } })
      .expect(200);
    await refreshGrant(body.refresh_token).expect(200);
  });

  it('revokes nothing when the update is refused (a taken username)', async () => {
    const fixture = await createUser();
    const other = await createUser();
    const { body } = await passwordGrant(fixture).expect(200);
    await api()
      .put('/api/user')
      .set(authHeader(fixture))
      .send({ user: { password: 'another new password', username: other.user.username } })
      .expect(422);
    await refreshGrant(body.refresh_token).expect(200);
    await passwordGrant(fixture).expect(200);
  });
});
