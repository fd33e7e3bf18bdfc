import { expect } from 'chai';
import supertest, { type Response } from 'supertest';
import { createApp } from '../../src/app';
import type { AppConfig, RateLimitSettings } from '../../src/config/config';
import { createLogger } from '../../src/logger';
import { RateLimitRepository } from '../../src/modules/limits/rate-limit.repository';
import { RateLimitCounter } from '../../src/modules/limits/rate-limit-counter.entity';
import { subjectKey } from '../../src/modules/limits/rate-limits.service';
import { verifyPassword } from '../../src/modules/users/password';
import { createUser, DEFAULT_PASSWORD, uniqueUserInput } from '../support/factories';
import { api, em, targetOf, testEnvironment } from '../support/test-env';

/**
 * The abuse limits, on apps of their own (the suite's app runs with RATE_LIMITS=off). Each spec
 * plays clients at addresses of its own through X-Forwarded-For (the apps trust one proxy hop), so
 * specs never share a counter unless they mean to.
 */
const RULES: RateLimitSettings = {
  enabled: true,
  loginPerIp: { limit: 6, windowSeconds: 900 },
  loginPerAccount: { limit: 3, windowSeconds: 900 },
  refreshPerIp: { limit: 2, windowSeconds: 900 },
  registerPerIp: { limit: 2, windowSeconds: 3600 },
  purgeEvery: 0,
};

function limitedApp(overrides: Partial<RateLimitSettings> = {}, config: Partial<AppConfig> = {}) {
  const { config: base, database } = testEnvironment();
  const merged: AppConfig = { ...base, trustProxyHops: 1, ...config, rateLimits: { ...RULES, ...overrides } };
  return targetOf(createApp({ config: merged, logger: createLogger(merged), orm: database.orm }));
}

let ips = 0;
/** An address no other spec uses. */
function uniqueIp(): string {
  ips += 1;
  return `10.${process.pid % 250}.${Math.floor(ips / 250) % 250}.${ips % 250}`;
}

function login(target: ReturnType<typeof limitedApp>, ip: string, email: string, password: string) {
  return api(target).post('/api/users/login').set('X-Forwarded-For', ip).send({ user: { email, password } });
}

function expect429(response: Response) {
  expect(response.status).to.equal(429);
  const retryAfter = Number(response.headers['retry-after']);
  expect(retryAfter).to.be.within(1, 3600);
  return retryAfter;
}

describe('abuse limits', () => {
  describe('POST /api/users/login', () => {
    it('refuses the 4th consecutive failure for one account with 429, Retry-After and the RateLimit headers', async () => {
      const target = limitedApp();
      const { user } = await createUser();
      const ip = uniqueIp();
      const first = await login(target, ip, user.email, 'wrong password').expect(401);
      expect(first.headers['ratelimit-policy']).to.equal('"login-ip";q=6;w=900, "login-account";q=3;w=900');
      expect(first.headers.ratelimit).to.match(/^"login-ip";r=5;t=\d+, "login-account";r=2;t=\d+$/);
      await login(target, ip, user.email, 'wrong password').expect(401);
      await login(target, ip, user.email, 'wrong password').expect(401);

      const limited = await login(target, ip, user.email, DEFAULT_PASSWORD);
      const retryAfter = expect429(limited);
      expect(limited.body).to.deep.equal({ errors: { body: [`too many requests, retry in ${retryAfter} seconds`] } });
      expect(limited.headers.ratelimit).to.match(/"login-account";r=0;t=\d+$/);
    });

    it('counts the account under any spelling of its e-mail address, from any address', async () => {
      const target = limitedApp();
      const { user } = await createUser();
      for (const email of [user.email, user.email.toUpperCase(), ` ${user.email} `]) {
        await login(target, uniqueIp(), email, 'wrong password').expect(401);
      }
      expect429(await login(target, uniqueIp(), user.email, DEFAULT_PASSWORD));
    });

    it('counts only the address for a body that names no account (missing, null or blank email), never a 500', async () => {
      const target = limitedApp();
      for (const user of [{}, null, { email: null }, { email: '   ' }, { email: 42 }, 'text']) {
        const response = await api(target)
          .post('/api/users/login')
          .set('X-Forwarded-For', uniqueIp())
          .send({ user, password: 'x' });
        expect(response.status, JSON.stringify(user)).to.equal(422);
        expect(response.headers['ratelimit-policy'], JSON.stringify(user)).to.equal('"login-ip";q=6;w=900');
      }
    });

    it('counts an email with white space around it as the same account', async () => {
      const target = limitedApp();
      const { user } = await createUser();
      const ip = uniqueIp();
      await login(target, ip, user.email, 'wrong password').expect(401);
      const padded = await api(target)
        .post('/api/users/login')
        .set('X-Forwarded-For', ip)
        .send({ user: { email: `  ${user.email.toUpperCase()} `, password: 'wrong password' } });
      expect(padded.headers.ratelimit).to.match(/"login-account";r=1;/);
    });

    it("resets the account's failures on a successful login", async () => {
      const target = limitedApp();
      const { user } = await createUser();
      const ip = uniqueIp();
      await login(target, ip, user.email, 'wrong password').expect(401);
      await login(target, ip, user.email, 'wrong password').expect(401);
      await login(target, ip, user.email, DEFAULT_PASSWORD).expect(200);
      const after = await login(target, ip, user.email, 'wrong password').expect(401);
      expect(after.headers.ratelimit).to.match(/"login-account";r=2;/);
    });

    it('limits one address across accounts (the IP limit)', async () => {
      const target = limitedApp();
      const ip = uniqueIp();
      for (let i = 0; i < 6; i += 1) {
        await login(target, ip, `nobody-${i}-${ip}@example.com`, 'x').expect(401);
      }
      expect429(await login(target, ip, `nobody-else-${ip}@example.com`, 'x'));
      // Another address is not limited.
      await login(target, uniqueIp(), `nobody-else-${ip}@example.com`, 'x').expect(401);
    });

    it('checks the limit before the password is hashed: a refused login is one SQL statement and no argon2', async () => {
      const target = limitedApp({ loginPerAccount: { limit: 1, windowSeconds: 900 } });
      const { user } = await createUser();
      const ip = uniqueIp();
      await login(target, ip, user.email, 'wrong password').expect(401);

      const { sqlLog } = testEnvironment();
      sqlLog.clear();
      expect429(await login(target, ip, user.email, 'wrong password'));
      expect(sqlLog.all, 'only the counters, never the user').to.have.length(1);
      expect(sqlLog.all[0]).to.match(/insert into rate_limit_counters/);

      // A flood of refused attempts costs less than a handful of argon2 verifications.
      const started = process.hrtime.bigint();
      for (let i = 0; i < 20; i += 1) expect429(await login(target, ip, user.email, `guess ${i}`));
      const flood = Number(process.hrtime.bigint() - started) / 1e6;
      const hashStarted = process.hrtime.bigint();
      for (let i = 0; i < 10; i += 1) await verifyPassword(user.passwordHash, `guess ${i}`);
      const tenHashes = Number(process.hrtime.bigint() - hashStarted) / 1e6;
      expect(flood, `20 refused logins took ${flood} ms; 10 argon2 verifications ${tenHashes} ms`).to.be.below(
        tenHashes,
      );
    });

    it('applies to the same route however it is spelled (case, trailing slash)', async () => {
      const target = limitedApp({ loginPerAccount: { limit: 1, windowSeconds: 900 } });
      const { user } = await createUser();
      const ip = uniqueIp();
      await login(target, ip, user.email, 'wrong password').expect(401);
      // The router serves this spelling too (case-insensitive, trailing slash); the contract
      // checks know only the documented one, so this request goes around api().
      const response = await supertest(target)
        .post('/API/Users/Login/')
        .set('X-Forwarded-For', ip)
        .send({ user: { email: user.email, password: 'x' } });
      expect(response.status).to.equal(429);
    });

    it('starts a new window when the old one ends', async function () {
      this.timeout(15_000);
      const target = limitedApp({ loginPerAccount: { limit: 1, windowSeconds: 1 } });
      const { user } = await createUser();
      const ip = uniqueIp();
      await login(target, ip, user.email, 'wrong password').expect(401);
      expect429(await login(target, ip, user.email, 'wrong password'));
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await login(target, ip, user.email, DEFAULT_PASSWORD).expect(200);
    });
  });

  describe('shared by every process', () => {
    it('counts on one database: attempts on two apps add up', async () => {
      const [a, b] = [limitedApp(), limitedApp()];
      const { user } = await createUser();
      const ip = uniqueIp();
      await login(a, ip, user.email, 'wrong password').expect(401);
      await login(b, ip, user.email, 'wrong password').expect(401);
      await login(a, ip, user.email, 'wrong password').expect(401);
      expect429(await login(b, ip, user.email, DEFAULT_PASSWORD));
      expect429(await login(a, ip, user.email, DEFAULT_PASSWORD));
    });

    it('lets exactly the quota through when attempts arrive at once', async () => {
      const target = limitedApp({ loginPerIp: { limit: 5, windowSeconds: 900 } });
      const ip = uniqueIp();
      const responses = await Promise.all(
        Array.from({ length: 12 }, (_, i) => login(target, ip, `racer-${i}-${ip}@example.com`, 'x')),
      );
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status === 401)).to.have.length(5);
      expect(statuses.filter((status) => status === 429)).to.have.length(7);
    });
  });

  describe('POST /auth', () => {
    it('shares the login limits, by username under any look-alike spelling', async () => {
      const target = limitedApp();
      const { user } = await createUser();
      const ip = uniqueIp();
      const attempt = (username: string, password: string) =>
        api(target).post('/auth').set('X-Forwarded-For', ip).send({ username, password });
      await attempt(user.username, 'wrong').expect(401);
      await attempt(user.username.toUpperCase(), 'wrong').expect(401);
      await attempt(user.username, 'wrong').expect(401);
      const limited = await attempt(user.username, DEFAULT_PASSWORD);
      expect429(limited);
      expect(limited.body.errors.body[0]).to.match(/^too many requests/);
    });
  });

  describe('POST /oauth/token', () => {
    function token(target: ReturnType<typeof limitedApp>, ip: string, fields: Record<string, string>) {
      return api(target)
        .post('/oauth/token')
        .set('X-Forwarded-For', ip)
        .type('form')
        .send(new URLSearchParams(fields).toString());
    }

    it('counts no limit for another grant type: it is refused before any counter', async () => {
      const response = await token(limitedApp(), uniqueIp(), { grant_type: 'client_credentials' }).expect(400);
      expect(response.body.error).to.equal('unsupported_grant_type');
      expect(response.headers['ratelimit-policy']).to.equal(undefined);
    });

    it('limits password grants per account (shared with the other logins) in the OAuth error shape', async () => {
      const target = limitedApp();
      const { user } = await createUser();
      await login(target, uniqueIp(), user.email, 'wrong password').expect(401);
      const ip = uniqueIp();
      const wrong = { grant_type: 'password', username: user.email, password: 'wrong' };
      await token(target, ip, wrong).expect(400);
      await token(target, ip, wrong).expect(400);
      const limited = await token(target, ip, { ...wrong, password: DEFAULT_PASSWORD });
      const retryAfter = expect429(limited);
      expect(limited.body).to.deep.equal({
        error: 'slow_down',
        error_description: `too many requests, retry in ${retryAfter} seconds`,
      });
      expect(limited.headers['cache-control']).to.equal('no-store');
    });

    it('limits refresh grants per address', async () => {
      const target = limitedApp();
      const ip = uniqueIp();
      const refresh = { grant_type: 'refresh_token', refresh_token: 'not-a-token' };
      const first = await token(target, ip, refresh).expect(400);
      expect(first.headers['ratelimit-policy']).to.equal('"refresh-ip";q=2;w=900');
      await token(target, ip, refresh).expect(400);
      expect(expect429(await token(target, ip, refresh))).to.be.above(0);
    });

    it('adds one statement to a grant (the counters), and one to a successful login (its forgiveness)', async () => {
      const target = limitedApp();
      const { user } = await createUser();
      const { sqlLog } = testEnvironment();
      sqlLog.clear();
      const grant = await token(target, uniqueIp(), {
        grant_type: 'password',
        username: user.username,
        password: DEFAULT_PASSWORD,
      }).expect(200);
      // The counters, the user, the family with its token, then the account's failures forgiven.
      expect(sqlLog.count, sqlLog.all.join('\n')).to.equal(4);
      sqlLog.clear();
      await token(target, uniqueIp(), { grant_type: 'refresh_token', refresh_token: grant.body.refresh_token }).expect(
        200,
      );
      expect(sqlLog.count, sqlLog.all.join('\n')).to.equal(2);
    });
  });

  describe('POST /graphql (login and register mutations)', () => {
    const LOGIN = 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { username } }';

    function graphqlOn(target: ReturnType<typeof limitedApp>, ip: string, query: string, variables: object) {
      return api(target)
        .post('/graphql')
        .set('Accept', 'application/json')
        .set('X-Forwarded-For', ip)
        .send({ query, variables });
    }

    it('counts logins against the same limits, before the hash: TOO_MANY_REQUESTS, no user lookup', async () => {
      const target = limitedApp();
      const { user } = await createUser();
      const ip = uniqueIp();
      // Failures over REST and GraphQL add up: one account, one count.
      await login(target, ip, user.email, 'wrong password').expect(401);
      const first = await graphqlOn(target, ip, LOGIN, { e: user.email, p: 'wrong' }).expect(200);
      expect(first.body.errors[0].extensions.code).to.equal('UNAUTHENTICATED');
      expect(first.headers.ratelimit).to.match(/"login-account";r=1;/);
      await graphqlOn(target, ip, LOGIN, { e: user.email, p: 'wrong' }).expect(200);

      const { sqlLog } = testEnvironment();
      sqlLog.clear();
      const limited = await graphqlOn(target, ip, LOGIN, { e: user.email, p: DEFAULT_PASSWORD }).expect(200);
      expect(limited.body.errors[0].extensions.code).to.equal('TOO_MANY_REQUESTS');
      expect(limited.body.errors[0].message).to.match(/^too many requests, retry in \d+ seconds$/);
      expect(Number(limited.headers['retry-after'])).to.be.within(1, 900);
      expect(sqlLog.all, 'only the counters, never the user').to.have.length(1);
    });

    it('counts each aliased login of one document', async () => {
      const target = limitedApp();
      const { user } = await createUser();
      const query =
        'mutation ($e: String!, $p: String!) { a: login(email: $e, password: $p) { username } ' +
        'b: login(email: $e, password: $p) { username } }';
      const response = await graphqlOn(target, uniqueIp(), query, { e: user.email, p: DEFAULT_PASSWORD }).expect(200);
      expect(response.body.errors).to.equal(undefined);
      expect(response.headers.ratelimit).to.match(/^"login-ip";r=4;/);
    });

    it('limits registrations per address', async () => {
      const target = limitedApp();
      const ip = uniqueIp();
      const register = () =>
        graphqlOn(target, ip, 'mutation ($i: RegisterInput!) { register(input: $i) { username } }', {
          i: uniqueUserInput(),
        }).expect(200);
      expect((await register()).body.errors).to.equal(undefined);
      expect((await register()).body.errors).to.equal(undefined);
      expect((await register()).body.errors[0].extensions.code).to.equal('TOO_MANY_REQUESTS');
    });
  });

  describe('POST /api/users', () => {
    it('limits registrations per address', async () => {
      const target = limitedApp();
      const ip = uniqueIp();
      const register = () =>
        api(target).post('/api/users').set('X-Forwarded-For', ip).send({ user: uniqueUserInput() });
      await register().expect(201);
      await register().expect(201);
      const limited = await register();
      expect429(limited);
      expect(limited.headers['ratelimit-policy']).to.equal('"register-ip";q=2;w=3600');
    });
  });

  describe('the client address', () => {
    it('ignores X-Forwarded-For unless TRUST_PROXY says a proxy writes it', async () => {
      const target = limitedApp({ loginPerIp: { limit: 2, windowSeconds: 900 } }, { trustProxyHops: 0 });
      // The suite's connections all come from loopback: start its count afresh.
      const loopback = testEnvironment().transport === 'lambda' ? '127.0.0.1' : '::ffff:127.0.0.1';
      await em().nativeDelete(RateLimitCounter, { limitName: 'login-ip', subject: subjectKey(loopback) });
      for (let i = 0; i < 2; i += 1) {
        await login(target, uniqueIp(), `spoofer-${i}@example.com`, 'x').expect(401);
      }
      expect429(await login(target, uniqueIp(), 'spoofer-2@example.com', 'x'));
    });

    it('takes the address the trusted proxy appended, not what the client wrote before it', async () => {
      const target = limitedApp({ loginPerIp: { limit: 1, windowSeconds: 900 } });
      const real = uniqueIp();
      await login(target, `1.2.3.4, ${real}`, 'forger-1@example.com', 'x').expect(401);
      expect429(await login(target, `5.6.7.8, ${real}`, 'forger-2@example.com', 'x'));
    });
  });

  describe("RATE_LIMITS=off (the suite's own app)", () => {
    it('counts nothing: no login, failed or successful, REST or GraphQL, touches a counter', async () => {
      const { user } = await createUser();
      const { sqlLog } = testEnvironment();
      sqlLog.clear();
      await api()
        .post('/api/users/login')
        .send({ user: { email: user.email, password: 'wrong' } })
        .expect(401);
      await api()
        .post('/api/users/login')
        .send({ user: { email: user.email, password: DEFAULT_PASSWORD } })
        .expect(200);
      const loggedIn = await api()
        .post('/graphql')
        .send({
          query:
            'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { username } }',
          variables: { email: user.email, password: DEFAULT_PASSWORD },
        })
        .expect(200);
      expect(loggedIn.body).to.deep.equal({ data: { login: { username: user.username } } });
      expect(sqlLog.all.filter((sql) => /rate_limit_counters/.test(sql))).to.deep.equal([]);
    });
  });

  describe('expired counters', () => {
    it('are purged (the CLI and the every-Nth-check purge), live ones kept', async () => {
      const counters = em().getRepository(RateLimitCounter) as unknown as RateLimitRepository;
      const fork = counters.getEntityManager();
      const stale = `stale-${uniqueIp()}`;
      const live = `live-${uniqueIp()}`;
      await counters.hit([
        { limitName: 'login-ip', subject: stale, windowSeconds: 1 },
        { limitName: 'login-ip', subject: live, windowSeconds: 900 },
      ]);
      await fork.execute(
        "update rate_limit_counters set window_ends_at = now() - interval '1 second' where subject = ?",
        [stale],
      );
      expect(await counters.purgeExpired(100)).to.be.at.least(1);
      const left = await fork.execute<{ subject: string }[]>(
        'select subject from rate_limit_counters where subject in (?, ?)',
        [stale, live],
      );
      expect(left.map((row) => row.subject)).to.deep.equal([live]);
    });

    it('are purged by a request every RATE_LIMIT_PURGE_EVERY checks', async () => {
      const target = limitedApp({ purgeEvery: 2 });
      const { sqlLog } = testEnvironment();
      const ip = uniqueIp();
      sqlLog.clear();
      await login(target, ip, 'purger@example.com', 'x').expect(401);
      expect(sqlLog.all.filter((sql) => /^delete from rate_limit_counters/.test(sql.trim()))).to.have.length(0);
      await login(target, ip, 'purger@example.com', 'x').expect(401);
      expect(sqlLog.all.filter((sql) => /delete from rate_limit_counters\s+where ctid/.test(sql))).to.have.length(1);
    });
  });
});
