import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { version as packageVersion } from '../../package.json';
import {
  applyDotEnv,
  ConfigError,
  DEFAULT_JWT_SECRET,
  durationSeconds,
  loadConfig,
  parseRateLimitRule,
} from '../../src/config/config';

describe('loadConfig', () => {
  it('gives development defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).to.include({
      nodeEnv: 'development',
      port: 3000,
      databaseUrl: undefined,
      jwtSecret: DEFAULT_JWT_SECRET,
      jwtExpiresIn: '7d',
      logLevel: 'info',
      migrateOnStart: true,
      corsOrigins: '*',
      bodyLimit: '1mb',
      dbPoolMax: 10,
      host: '127.0.0.1',
      logFormat: 'auto',
      dbAcquireTimeoutMs: 5000,
      dbStatementTimeoutMs: 5000,
      dbStartupTimeoutMs: 30_000,
      shutdownGraceMs: 10_000,
      httpHeadersTimeoutMs: 10_000,
      httpRequestTimeoutMs: 30_000,
      httpKeepAliveTimeoutMs: 5000,
      sentryDsn: undefined,
      sentryEnvironment: 'development',
      sentryRelease: packageVersion,
      webConcurrency: 1,
    });
    expect(config.embeddedDataDir).to.match(/\.data\/pglite$/);
  });

  it('reads every key', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      DATABASE_URL: 'postgres://app:secret@db.internal:5432/conduit',
      JWT_SECRET: 'a'.repeat(40),
      JWT_EXPIRES_IN: '12h',
      LOG_LEVEL: 'warn',
      MIGRATE_ON_START: 'false',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      BODY_LIMIT: '256kb',
      DB_POOL_MAX: '3',
      PGLITE_DATA_DIR: 'memory://',
      HOST: '10.1.2.3',
      LOG_FORMAT: 'json',
      DB_ACQUIRE_TIMEOUT_MS: '1500',
      DB_STATEMENT_TIMEOUT_MS: '2500',
      DB_STARTUP_TIMEOUT_MS: '0',
      SHUTDOWN_GRACE_MS: '4000',
      HTTP_HEADERS_TIMEOUT_MS: '3000',
      HTTP_REQUEST_TIMEOUT_MS: '6000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '2000',
      SENTRY_DSN: 'https://abc123@o1.ingest.sentry.io/42',
      SENTRY_ENVIRONMENT: 'staging-eu',
      SENTRY_RELEASE: 'conduit@2026.11.29',
    });
    expect(config).to.deep.include({
      sentryDsn: 'https://abc123@o1.ingest.sentry.io/42',
      sentryEnvironment: 'staging-eu',
      sentryRelease: 'conduit@2026.11.29',
      host: '10.1.2.3',
      logFormat: 'json',
      dbAcquireTimeoutMs: 1500,
      dbStatementTimeoutMs: 2500,
      dbStartupTimeoutMs: 0,
      shutdownGraceMs: 4000,
      httpHeadersTimeoutMs: 3000,
      httpRequestTimeoutMs: 6000,
      httpKeepAliveTimeoutMs: 2000,
      nodeEnv: 'production',
      port: 8080,
      databaseUrl: 'postgres://app:secret@db.internal:5432/conduit',
      jwtExpiresIn: '12h',
      logLevel: 'warn',
      migrateOnStart: false,
      corsOrigins: ['https://a.example', 'https://b.example'],
      bodyLimit: '256kb',
      dbPoolMax: 3,
      embeddedDataDir: 'memory://',
    });
  });

  it('bounds GraphQL by default, with introspection only outside production', () => {
    expect(loadConfig({}).graphql).to.deep.equal({
      introspection: true,
      maxDepth: 12,
      maxCost: 5000,
      maxAliases: 20,
      maxTokens: 2000,
      bodyLimit: '256kb',
    });
    const production = { NODE_ENV: 'production', JWT_SECRET: 'b'.repeat(32), DATABASE_URL: 'postgres://db/app' };
    expect(loadConfig(production).graphql.introspection).to.equal(false);
  });

  it('runs the job worker in the server process by default, and logs mail when no SMTP_URL is set', () => {
    const config = loadConfig({});
    expect(config.jobs).to.deep.equal({
      workerInProcess: true,
      pollIntervalMs: 1000,
      concurrency: 2,
      maxAttempts: 5,
      retryBaseMs: 10_000,
      retryMaxMs: 3_600_000,
      timeoutMs: 30_000,
      leaseMs: 60_000,
      retentionDays: 7,
      cleanupIntervalMs: 3_600_000,
    });
    expect(config.mail).to.deep.equal({
      smtpUrl: undefined,
      from: 'Conduit <no-reply@conduit.invalid>',
      commentWindowMs: 600_000,
    });
  });

  it('reads the job and mail settings', () => {
    const config = loadConfig({
      JOBS_WORKER_IN_PROCESS: 'false',
      JOBS_POLL_INTERVAL_MS: '250',
      JOBS_CONCURRENCY: '8',
      JOBS_MAX_ATTEMPTS: '3',
      JOBS_RETRY_BASE_MS: '100',
      JOBS_RETRY_MAX_MS: '1000',
      JOBS_TIMEOUT_MS: '5000',
      JOBS_LEASE_MS: '6000',
      JOBS_RETENTION_DAYS: '30',
      JOBS_CLEANUP_INTERVAL_MS: '60000',
      SMTP_URL: 'smtps://user:pass@mail.example.com:465',
      MAIL_FROM: 'Blog <blog@example.com>',
      COMMENT_MAIL_WINDOW_MS: '0',
    });
    expect(config.jobs).to.deep.equal({
      workerInProcess: false,
      pollIntervalMs: 250,
      concurrency: 8,
      maxAttempts: 3,
      retryBaseMs: 100,
      retryMaxMs: 1000,
      timeoutMs: 5000,
      leaseMs: 6000,
      retentionDays: 30,
      cleanupIntervalMs: 60_000,
    });
    expect(config.mail).to.deep.equal({
      smtpUrl: 'smtps://user:pass@mail.example.com:465',
      from: 'Blog <blog@example.com>',
      commentWindowMs: 0,
    });
  });

  it('refuses a lease not longer than the job timeout, a cap below the base delay, and a non-SMTP URL', () => {
    expect(() => loadConfig({ JOBS_TIMEOUT_MS: '5000', JOBS_LEASE_MS: '5000' })).to.throw(
      ConfigError,
      /JOBS_LEASE_MS must be larger than JOBS_TIMEOUT_MS/,
    );
    expect(() => loadConfig({ JOBS_RETRY_BASE_MS: '5000', JOBS_RETRY_MAX_MS: '10' })).to.throw(
      ConfigError,
      /JOBS_RETRY_MAX_MS must not be smaller than JOBS_RETRY_BASE_MS/,
    );
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.com' })).to.throw(ConfigError, /SMTP_URL must be an smtp/);
    expect(() => loadConfig({ SMTP_URL: 'not a url' })).to.throw(ConfigError, /SMTP_URL is not a valid URL/);
    expect(() => loadConfig({ JOBS_CONCURRENCY: '0' })).to.throw(ConfigError, /JOBS_CONCURRENCY/);
  });

  it('reads the GraphQL limits, and refuses bad ones', () => {
    const config = loadConfig({
      GRAPHQL_INTROSPECTION: 'false',
      GRAPHQL_MAX_DEPTH: '6',
      GRAPHQL_MAX_COST: '900',
      GRAPHQL_MAX_ALIASES: '0',
      GRAPHQL_MAX_TOKENS: '500',
      GRAPHQL_BODY_LIMIT: '64kb',
    });
    expect(config.graphql).to.deep.equal({
      introspection: false,
      maxDepth: 6,
      maxCost: 900,
      maxAliases: 0,
      maxTokens: 500,
      bodyLimit: '64kb',
    });
    expect(() => loadConfig({ GRAPHQL_MAX_DEPTH: '0', GRAPHQL_BODY_LIMIT: 'huge' })).to.throw(
      ConfigError,
      /GRAPHQL_MAX_DEPTH[\s\S]*GRAPHQL_BODY_LIMIT|GRAPHQL_BODY_LIMIT[\s\S]*GRAPHQL_MAX_DEPTH/,
    );
  });

  it('refuses to start in production with a missing or default JWT_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/app' })).to.throw(
      ConfigError,
      /JWT_SECRET/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: DEFAULT_JWT_SECRET })).to.throw(
      ConfigError,
      /JWT_SECRET/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).to.throw(ConfigError, /32 characters/);
  });

  it('listens on loopback only outside production, on every interface in production', () => {
    expect(loadConfig({}).host).to.equal('127.0.0.1');
    const production = { NODE_ENV: 'production', JWT_SECRET: 'b'.repeat(32), DATABASE_URL: 'postgres://db/app' };
    expect(loadConfig(production).host).to.equal('0.0.0.0');
  });

  it('refuses a header timeout longer than the request timeout (Node would throw at listen)', () => {
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' })).to.throw(
      ConfigError,
      /HTTP_HEADERS_TIMEOUT_MS/,
    );
  });

  it('allows no cross-origin browser by default in production', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'b'.repeat(32), DATABASE_URL: 'postgres://db/app' };
    expect(loadConfig(production).corsOrigins).to.deep.equal([]);
  });

  it('refuses production without DATABASE_URL unless the embedded database is asked for', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'b'.repeat(32) };
    expect(() => loadConfig(production)).to.throw(ConfigError, /DATABASE_URL must be set in production/);
    expect(loadConfig({ ...production, ALLOW_EMBEDDED_DATABASE_IN_PRODUCTION: 'true' }).databaseUrl).to.equal(
      undefined,
    );
    expect(() => loadConfig({ ...production, ALLOW_EMBEDDED_DATABASE_IN_PRODUCTION: 'perhaps' })).to.throw(
      ConfigError,
      /ALLOW_EMBEDDED_DATABASE_IN_PRODUCTION must be true or false/,
    );
    // Development and tests keep the embedded default.
    expect(loadConfig({}).databaseUrl).to.equal(undefined);
  });

  it('reads DATABASE_REPLICA_URLS as a comma-separated list, empty by default', () => {
    expect(loadConfig({}).databaseReplicaUrls).to.deep.equal([]);
    const config = loadConfig({
      DATABASE_URL: 'postgres://app@primary/conduit',
      DATABASE_REPLICA_URLS: ' postgres://app@replica-1/conduit, postgresql://app@replica-2/conduit ,',
    });
    expect(config.databaseReplicaUrls).to.deep.equal([
      'postgres://app@replica-1/conduit',
      'postgresql://app@replica-2/conduit',
    ]);
  });

  it('refuses replicas without a primary, and replica URLs that are not PostgreSQL ones', () => {
    expect(() => loadConfig({ DATABASE_REPLICA_URLS: 'postgres://app@replica/conduit' })).to.throw(
      ConfigError,
      /DATABASE_REPLICA_URLS needs DATABASE_URL/,
    );
    expect(() =>
      loadConfig({ DATABASE_URL: 'postgres://app@primary/conduit', DATABASE_REPLICA_URLS: 'mysql://r/db,nonsense' }),
    ).to.throw(ConfigError, /item 1 must be a postgres:\/\/ or postgresql:\/\/ URL[\s\S]*item 2 is not a valid URL/);
  });

  it('reports every invalid value at once, clearly', () => {
    try {
      loadConfig({
        NODE_ENV: 'staging',
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        JWT_EXPIRES_IN: 'forever',
        LOG_LEVEL: 'loud',
        MIGRATE_ON_START: 'maybe',
        BODY_LIMIT: 'huge',
        DB_POOL_MAX: '0',
        LOG_FORMAT: 'fancy',
        DB_ACQUIRE_TIMEOUT_MS: 'soon',
        DB_STATEMENT_TIMEOUT_MS: '-1',
        DB_STARTUP_TIMEOUT_MS: '1.5',
        SHUTDOWN_GRACE_MS: 'never',
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '0',
        SENTRY_DSN: 'https://o1.ingest.sentry.io/42',
      });
      expect.fail('loadConfig should have thrown');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      const { problems } = error as ConfigError;
      for (const key of [
        'NODE_ENV',
        'PORT',
        'DATABASE_URL',
        'JWT_EXPIRES_IN',
        'LOG_LEVEL',
        'MIGRATE_ON_START',
        'BODY_LIMIT',
        'DB_POOL_MAX',
        'LOG_FORMAT',
        'DB_ACQUIRE_TIMEOUT_MS',
        'DB_STATEMENT_TIMEOUT_MS',
        'DB_STARTUP_TIMEOUT_MS',
        'SHUTDOWN_GRACE_MS',
        'HTTP_KEEP_ALIVE_TIMEOUT_MS',
        'SENTRY_DSN',
      ]) {
        expect(problems.join('\n')).to.include(key);
      }
    }
  });

  describe('a pooler in front of PostgreSQL (DATABASE_POOLER, DATABASE_DIRECT_URL)', () => {
    const pooled = 'postgres://app@pgbouncer.internal:6432/conduit';
    const direct = 'postgres://app@db.internal:5432/conduit';

    it('assumes a direct connection unless told otherwise', () => {
      expect(loadConfig({ DATABASE_URL: direct })).to.include({ databasePooler: 'none', databaseDirectUrl: undefined });
    });

    it('reads a transaction pooler and the direct URL that migrations use', () => {
      expect(
        loadConfig({ DATABASE_URL: pooled, DATABASE_POOLER: 'transaction', DATABASE_DIRECT_URL: direct }),
      ).to.include({ databaseUrl: pooled, databasePooler: 'transaction', databaseDirectUrl: direct });
      expect(loadConfig({ DATABASE_URL: pooled, DATABASE_POOLER: ' Transaction ' }).databasePooler).to.equal(
        'transaction',
      );
    });

    it('refuses an unknown pooler, a bad direct URL, and either one without DATABASE_URL', () => {
      expect(() => loadConfig({ DATABASE_URL: pooled, DATABASE_POOLER: 'pgbouncer' })).to.throw(
        ConfigError,
        /DATABASE_POOLER must be one of none, transaction \(got "pgbouncer"\)/,
      );
      expect(() => loadConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: 'mysql://db/x' })).to.throw(
        ConfigError,
        /DATABASE_DIRECT_URL must be a postgres:\/\/ or postgresql:\/\/ URL/,
      );
      expect(() => loadConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: 'not a url' })).to.throw(
        ConfigError,
        /DATABASE_DIRECT_URL is not a valid URL/,
      );
      expect(() => loadConfig({ DATABASE_DIRECT_URL: direct })).to.throw(
        ConfigError,
        /DATABASE_DIRECT_URL needs DATABASE_URL/,
      );
      expect(() => loadConfig({ DATABASE_POOLER: 'transaction' })).to.throw(
        ConfigError,
        /DATABASE_POOLER needs DATABASE_URL/,
      );
    });
  });

  it('files errors under NODE_ENV unless SENTRY_ENVIRONMENT says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).sentryEnvironment).to.equal('test');
    expect(() => loadConfig({ SENTRY_DSN: 'not a url' })).to.throw(ConfigError, /SENTRY_DSN is not a valid URL/);
    expect(() => loadConfig({ SENTRY_DSN: 'ftp://key@host/1' })).to.throw(ConfigError, /SENTRY_DSN must look like/);
    expect(loadConfig({ SENTRY_DSN: 'http://key@127.0.0.1:9000/1' }).sentryDsn).to.equal('http://key@127.0.0.1:9000/1');
  });

  it("takes an entry point's default for MIGRATE_ON_START, and the environment over it", () => {
    expect(loadConfig({}).migrateOnStart).to.equal(true);
    expect(loadConfig({}, { migrateOnStart: false }).migrateOnStart).to.equal(false);
    expect(loadConfig({ MIGRATE_ON_START: 'yes' }, { migrateOnStart: false }).migrateOnStart).to.equal(true);
    expect(() => loadConfig({ MIGRATE_ON_START: 'maybe' }, { migrateOnStart: false })).to.throw(ConfigError);
  });

  it('limits the credential endpoints by default, trusts no proxy, and issues 15-minute OAuth access tokens', () => {
    const config = loadConfig({});
    expect(config.rateLimits).to.deep.equal({
      enabled: true,
      loginPerIp: { limit: 100, windowSeconds: 900 },
      loginPerAccount: { limit: 10, windowSeconds: 900 },
      refreshPerIp: { limit: 120, windowSeconds: 900 },
      registerPerIp: { limit: 20, windowSeconds: 3600 },
      purgeEvery: 1000,
    });
    expect(config.trustProxyHops).to.equal(0);
    expect(config.oauth).to.deep.equal({
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 30 * 86_400,
      clientIds: undefined,
    });
  });

  it('reads the OAuth and rate-limit settings', () => {
    const config = loadConfig({
      OAUTH_ACCESS_TOKEN_TTL: '5m',
      OAUTH_REFRESH_TOKEN_TTL: '7d',
      OAUTH_CLIENT_IDS: 'conduit-ios, conduit-android,',
      RATE_LIMITS: 'off',
      RATE_LIMIT_LOGIN_PER_IP: '50/1h',
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '5 / 30m',
      RATE_LIMIT_REFRESH_PER_IP: '10/60',
      RATE_LIMIT_REGISTER_PER_IP: '3/1d',
      RATE_LIMIT_PURGE_EVERY: '0',
      TRUST_PROXY: '1',
    });
    expect(config.oauth).to.deep.equal({
      accessTokenTtlSeconds: 300,
      refreshTokenTtlSeconds: 7 * 86_400,
      clientIds: ['conduit-ios', 'conduit-android'],
    });
    expect(config.rateLimits).to.deep.equal({
      enabled: false,
      loginPerIp: { limit: 50, windowSeconds: 3600 },
      loginPerAccount: { limit: 5, windowSeconds: 1800 },
      refreshPerIp: { limit: 10, windowSeconds: 60 },
      registerPerIp: { limit: 3, windowSeconds: 86_400 },
      purgeEvery: 0,
    });
    expect(config.trustProxyHops).to.equal(1);
  });

  it('refuses malformed OAuth lifetimes, limits and proxy hops, naming each', () => {
    try {
      loadConfig({
        OAUTH_ACCESS_TOKEN_TTL: '2d',
        OAUTH_REFRESH_TOKEN_TTL: 'forever',
        RATE_LIMIT_LOGIN_PER_IP: '0/15m',
        RATE_LIMIT_LOGIN_PER_ACCOUNT: '10',
        RATE_LIMIT_REFRESH_PER_IP: '10/0s',
        TRUST_PROXY: '-1',
      });
      expect.fail('expected a ConfigError');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const key of [
        'OAUTH_ACCESS_TOKEN_TTL',
        'OAUTH_REFRESH_TOKEN_TTL',
        'RATE_LIMIT_LOGIN_PER_IP',
        'RATE_LIMIT_LOGIN_PER_ACCOUNT',
        'RATE_LIMIT_REFRESH_PER_IP',
        'TRUST_PROXY',
      ]) {
        expect(problems).to.include(key);
      }
    }
  });

  it('reads WEB_CONCURRENCY as a worker count from 1 to 64, and refuses anything else', () => {
    expect(loadConfig({ WEB_CONCURRENCY: '4' }).webConcurrency).to.equal(4);
    for (const bad of ['0', '65', '2.5', 'auto']) {
      expect(() => loadConfig({ WEB_CONCURRENCY: bad }), bad).to.throw(
        ConfigError,
        `WEB_CONCURRENCY must be an integer from 1 to 64 (got "${bad}")`,
      );
    }
  });

  it('reads durations and rules in whole seconds', () => {
    expect(durationSeconds('90')).to.equal(90);
    expect(durationSeconds('15m')).to.equal(900);
    expect(durationSeconds('2w')).to.equal(1_209_600);
    expect(durationSeconds('0')).to.equal(undefined);
    expect(durationSeconds('1.5h')).to.equal(undefined);
    expect(parseRateLimitRule('10/15m')).to.deep.equal({ limit: 10, windowSeconds: 900 });
    expect(parseRateLimitRule('10 per 15m')).to.equal(undefined);
  });

  /** The one problem `env` has, or undefined when loadConfig accepts it. */
  function problemWith(env: Record<string, string>): string | undefined {
    try {
      loadConfig(env);
      return undefined;
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      return (error as ConfigError).problems.join('\n');
    }
  }

  it('reads the boolean words in any case, and refuses others', () => {
    for (const word of ['1', 'true', 'yes', 'on', 'TRUE', 'On']) {
      expect(loadConfig({ RATE_LIMITS: word }).rateLimits.enabled, word).to.equal(true);
    }
    for (const word of ['0', 'false', 'no', 'off', 'FALSE', 'Off']) {
      expect(loadConfig({ MIGRATE_ON_START: word }).migrateOnStart, word).to.equal(false);
    }
    expect(problemWith({ RATE_LIMITS: 'enabled' })).to.equal('RATE_LIMITS must be true or false (got "enabled")');
  });

  it('accepts integers at both ends of their range and refuses one past either end', () => {
    expect(loadConfig({ PORT: '0' }).port).to.equal(0);
    expect(loadConfig({ PORT: '65535' }).port).to.equal(65535);
    expect(problemWith({ PORT: '65536' })).to.equal('PORT must be an integer from 0 to 65535 (got "65536")');
    expect(problemWith({ PORT: '70000' })).to.include('PORT');
    expect(problemWith({ PORT: '-1' })).to.include('PORT');
    expect(problemWith({ PORT: '80.5' })).to.include('PORT');
    expect(loadConfig({ DB_POOL_MAX: '1' }).dbPoolMax).to.equal(1);
    expect(loadConfig({ DB_POOL_MAX: '200' }).dbPoolMax).to.equal(200);
    expect(problemWith({ DB_POOL_MAX: '201' })).to.include('DB_POOL_MAX must be an integer from 1 to 200');
    expect(loadConfig({ TRUST_PROXY: '10' }).trustProxyHops).to.equal(10);
    expect(problemWith({ TRUST_PROXY: '11' })).to.include('TRUST_PROXY');
  });

  it('takes a JWT lifetime in seconds or with a unit, nothing around it', () => {
    for (const good of ['3600', '7d', '12h', '30m', '1.5h', '500ms', '2 w', '1y']) {
      expect(loadConfig({ JWT_EXPIRES_IN: good }).jwtExpiresIn, good).to.equal(good);
    }
    for (const bad of ['x7d', '7dx', '7 days', '1.5', 'd', '7d;rm']) {
      expect(problemWith({ JWT_EXPIRES_IN: bad }), bad).to.equal(
        `JWT_EXPIRES_IN must be seconds or a duration like 7d, 12h, 30m (got "${bad}")`,
      );
    }
  });

  it('takes body limits in bytes, kb or mb, any case, nothing around them', () => {
    for (const good of ['1048576', '1mb', '512KB', '64 kb', '100b']) {
      expect(loadConfig({ BODY_LIMIT: good, GRAPHQL_BODY_LIMIT: good }).bodyLimit, good).to.equal(good);
    }
    for (const bad of ['x1mb', '1mbx', '1gb', '1.5mb', 'mb']) {
      expect(problemWith({ BODY_LIMIT: bad }), bad).to.include('BODY_LIMIT must be a size');
      expect(problemWith({ GRAPHQL_BODY_LIMIT: bad }), bad).to.include('GRAPHQL_BODY_LIMIT must be a size');
    }
    expect(loadConfig({ GRAPHQL_BODY_LIMIT: '128kb' }).graphql.bodyLimit).to.equal('128kb');
  });

  it('reads each duration unit, around spaces, and nothing else', () => {
    expect(['1', '1s', '1m', '1h', '1d', '1w'].map(durationSeconds)).to.deep.equal([1, 1, 60, 3600, 86_400, 604_800]);
    expect(durationSeconds(' 15 m ')).to.equal(900);
    expect(durationSeconds('x15m')).to.equal(undefined);
    expect(durationSeconds('15mx')).to.equal(undefined);
    expect(durationSeconds('1y')).to.equal(undefined);
    expect(durationSeconds('9'.repeat(20))).to.equal(undefined);
    expect(parseRateLimitRule(' 1 / 1h ')).to.deep.equal({ limit: 1, windowSeconds: 3600 });
    expect(parseRateLimitRule('x10/15m')).to.equal(undefined);
    expect(parseRateLimitRule('1.5/15m')).to.equal(undefined);
    expect(parseRateLimitRule('10/')).to.equal(undefined);
    expect(parseRateLimitRule(`${'9'.repeat(20)}/1h`)).to.equal(undefined);
  });

  it('caps the OAuth lifetimes at a day and a year', () => {
    expect(loadConfig({ OAUTH_ACCESS_TOKEN_TTL: '86400' }).oauth.accessTokenTtlSeconds).to.equal(86_400);
    expect(problemWith({ OAUTH_ACCESS_TOKEN_TTL: '86401' })).to.equal(
      'OAUTH_ACCESS_TOKEN_TTL must be a duration like 900, 15m, 12h or 30d, at most 86400 seconds (got "86401")',
    );
    expect(loadConfig({ OAUTH_REFRESH_TOKEN_TTL: '366d' }).oauth.refreshTokenTtlSeconds).to.equal(366 * 86_400);
    expect(problemWith({ OAUTH_REFRESH_TOKEN_TTL: '367d' })).to.include('OAUTH_REFRESH_TOKEN_TTL');
  });

  it('compares the paired timeouts at their boundary', () => {
    expect(loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '10000', HTTP_REQUEST_TIMEOUT_MS: '10000' })).to.include({
      httpHeadersTimeoutMs: 10_000,
      httpRequestTimeoutMs: 10_000,
    });
    expect(problemWith({ JOBS_TIMEOUT_MS: '60000', JOBS_LEASE_MS: '60000' })).to.equal(
      'JOBS_LEASE_MS must be larger than JOBS_TIMEOUT_MS',
    );
    expect(loadConfig({ JOBS_RETRY_BASE_MS: '5000', JOBS_RETRY_MAX_MS: '5000' }).jobs).to.include({
      retryBaseMs: 5000,
      retryMaxMs: 5000,
    });
  });

  it('names every problem in one error, a line each', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' }))
      .to.throw(ConfigError)
      .that.satisfies((error: ConfigError) => {
        expect(error.name).to.equal('ConfigError');
        expect(error.message).to.equal(
          'Invalid configuration:\n  - LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")\n' +
            '  - PORT must be an integer from 0 to 65535 (got "x")',
        );
        return true;
      });
  });

  it('lists the words NODE_ENV, LOG_LEVEL and LOG_FORMAT take', () => {
    expect(problemWith({ NODE_ENV: 'staging' })).to.equal(
      'NODE_ENV must be one of development, test, production (got "staging")',
    );
    expect(problemWith({ LOG_FORMAT: 'xml' })).to.equal('LOG_FORMAT must be one of auto, pretty, json (got "xml")');
  });

  it('refuses a rate limit with anything after the window, a second line included', () => {
    expect(parseRateLimitRule('10/15m\nevil')).to.equal(undefined);
  });

  it('refuses the development JWT secret in production, set or defaulted', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/app' };
    for (const env of [production, { ...production, JWT_SECRET: DEFAULT_JWT_SECRET }]) {
      expect(problemWith(env)).to.equal('JWT_SECRET must be set to a private value in production');
    }
  });

  it('needs a production JWT_SECRET of 32 characters, not 31', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/app' };
    expect(loadConfig({ ...production, JWT_SECRET: 'c'.repeat(32) }).jwtSecret).to.have.length(32);
    expect(problemWith({ ...production, JWT_SECRET: 'c'.repeat(31) })).to.equal(
      'JWT_SECRET must be at least 32 characters in production',
    );
  });

  it('accepts both PostgreSQL URL schemes and says when a URL does not parse', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/app' }).databaseUrl).to.equal('postgresql://db/app');
    expect(loadConfig({ DATABASE_URL: 'postgres://db/app' }).databaseUrl).to.equal('postgres://db/app');
    expect(problemWith({ DATABASE_URL: 'not a url' })).to.equal('DATABASE_URL is not a valid URL');
    expect(problemWith({ SMTP_URL: 'not a url' })).to.equal('SMTP_URL is not a valid URL');
    expect(problemWith({ SMTP_URL: 'http://mail.example' })).to.equal('SMTP_URL must be an smtp:// or smtps:// URL');
    expect(loadConfig({ SMTP_URL: 'smtps://u:p@mail.example:465' }).mail.smtpUrl).to.equal(
      'smtps://u:p@mail.example:465',
    );
  });

  it('wants a Sentry DSN with a key and a project id, under a path or not', () => {
    expect(loadConfig({ SENTRY_DSN: 'https://key@sentry.example/sub/42' }).sentryDsn).to.equal(
      'https://key@sentry.example/sub/42',
    );
    for (const bad of ['https://key@sentry.example/', 'https://key@sentry.example/42/', 'https://key@host/4-2']) {
      expect(problemWith({ SENTRY_DSN: bad }), bad).to.include('SENTRY_DSN must look like');
    }
  });

  it('trims and drops empty entries of the lists', () => {
    expect(loadConfig({ CORS_ORIGINS: ' https://a.example , ,https://b.example ' }).corsOrigins).to.deep.equal([
      'https://a.example',
      'https://b.example',
    ]);
    expect(loadConfig({ OAUTH_CLIENT_IDS: ' web , ,ios' }).oauth.clientIds).to.deep.equal(['web', 'ios']);
    expect(loadConfig({ OAUTH_CLIENT_IDS: ' , ' }).oauth.clientIds).to.equal(undefined);
  });

  it('keeps an in-memory embedded database as it is and resolves a folder', () => {
    expect(loadConfig({ PGLITE_DATA_DIR: 'memory://x' }).embeddedDataDir).to.equal('memory://x');
    expect(loadConfig({ PGLITE_DATA_DIR: 'db/files' }).embeddedDataDir).to.equal(path.resolve('db/files'));
  });

  it('reads LOG_FORMAT in any case', () => {
    expect(loadConfig({ LOG_FORMAT: 'JSON' }).logFormat).to.equal('json');
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '  ', PORT: '' })).to.include({ databaseUrl: undefined, port: 3000 });
  });

  describe('applyDotEnv', () => {
    let file: string;
    beforeEach(() => {
      file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-env-')), '.env');
      fs.writeFileSync(file, 'DATABASE_URL=postgres://postgres@127.0.0.1:5432/devdb\nPORT=4000\n');
    });
    afterEach(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));

    it('fills in unset values and never overrides the environment', () => {
      const env: Record<string, string | undefined> = { NODE_ENV: 'development', PORT: '5000' };
      expect(applyDotEnv(env, file)).to.deep.equal(['DATABASE_URL']);
      expect(env).to.include({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/devdb', PORT: '5000' });
    });

    it('is not read by tests, so a developer database in .env never becomes the suite database', () => {
      const env: Record<string, string | undefined> = { NODE_ENV: 'test' };
      expect(applyDotEnv(env, file)).to.deep.equal([]);
      expect(env.DATABASE_URL).to.equal(undefined);
    });
  });
});
