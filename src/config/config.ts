import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { version as packageVersion } from '../../package.json';

/**
 * Typed application configuration, read from the environment once at start-up.
 *
 * Every problem is collected and reported together, so a misconfigured deploy fails on its first
 * start with one clear message instead of at the first request that touches the bad value.
 */

export type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** `auto`: readable lines on a terminal outside production, JSON lines otherwise. */
export type LogFormat = 'auto' | 'pretty' | 'json';
/** `transaction`: DATABASE_URL is a pooler that hands out a server connection per transaction. */
export type DatabasePooler = 'none' | 'transaction';

export interface AppConfig {
  nodeEnv: NodeEnv;
  /** Interface the HTTP server binds: 127.0.0.1 by default, 0.0.0.0 (all) in production. */
  host: string;
  port: number;
  /** A PostgreSQL server; when absent the app starts an embedded PostgreSQL (PGlite). */
  databaseUrl: string | undefined;
  /**
   * What sits between DATABASE_URL and PostgreSQL: `none`, or `transaction`, a pooler that lends
   * a server connection per transaction (PgBouncer `pool_mode = transaction`, RDS Proxy).
   */
  databasePooler: DatabasePooler;
  /**
   * PostgreSQL itself, past the pooler: migrations and the CLI connect here. Unset: DATABASE_URL.
   */
  databaseDirectUrl: string | undefined;
  /**
   * Streaming replicas of DATABASE_URL's server (DATABASE_REPLICA_URLS); safe requests (GET, HEAD)
   * read from them. Empty: everything runs on DATABASE_URL.
   */
  databaseReplicaUrls: string[];
  /** Where the embedded database keeps its files; `memory://` keeps nothing. */
  embeddedDataDir: string;
  /** Upper bound of the ORM connection pool (and of the embedded server's connections). */
  dbPoolMax: number;
  /** Longest wait for a pooled connection (including opening one) before a request gets 503. */
  dbAcquireTimeoutMs: number;
  /** Longest a single SQL statement may run (server and client side) before a request gets 503. */
  dbStatementTimeoutMs: number;
  /** How long the server keeps retrying an unreachable database at start-up before giving up. */
  dbStartupTimeoutMs: number;
  /** After SIGTERM/SIGINT: how long in-flight requests may take before the process exits anyway. */
  shutdownGraceMs: number;
  /** A client must send its request headers within this time (408 and close otherwise). */
  httpHeadersTimeoutMs: number;
  /** A client must send its whole request (headers and body) within this time. */
  httpRequestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this time. */
  httpKeepAliveTimeoutMs: number;
  jwtSecret: string;
  /** Seconds or a duration such as `7d`, `12h`, `30m`. */
  jwtExpiresIn: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
  migrateOnStart: boolean;
  /** `*` or an explicit list of allowed browser origins. */
  corsOrigins: '*' | string[];
  /** Largest accepted request body, e.g. `1mb`. */
  bodyLimit: string;
  /** Where errors are reported (a Sentry DSN); unset: nothing is reported and Sentry is never loaded. */
  sentryDsn: string | undefined;
  /** The environment errors are filed under; NODE_ENV when unset. */
  sentryEnvironment: string;
  /** The release errors are filed under; the package version when unset. */
  sentryRelease: string;
  graphql: GraphqlLimits;
  jobs: JobSettings;
  mail: MailSettings;
  oauth: OAuthSettings;
  rateLimits: RateLimitSettings;
  /**
   * How many reverse proxies in front of the app append to `X-Forwarded-For`; 0 (default): the
   * header is ignored and the client is the socket's peer (on Lambda: API Gateway's sourceIp).
   */
  trustProxyHops: number;
  /**
   * How many worker processes `npm start` runs (node:cluster, one port); 1: the server is a single
   * process, as without the setting. Only the HTTP server reads it.
   */
  webConcurrency: number;
}

/** The OAuth 2.0 token endpoint (src/modules/oauth). */
export interface OAuthSettings {
  /** Lifetime of the access tokens (JWTs) that /oauth/token issues, in seconds. */
  accessTokenTtlSeconds: number;
  /** Lifetime of each refresh token from its issue, in seconds (each rotation issues a new one). */
  refreshTokenTtlSeconds: number;
  /** The public clients that may name themselves with `client_id`; undefined: any id is accepted. */
  clientIds: string[] | undefined;
}

/** At most `limit` hits per `windowSeconds` (a fixed window, shared by every process). */
export interface RateLimitRule {
  limit: number;
  windowSeconds: number;
}

/** The abuse limits of the credential endpoints (src/modules/limits). */
export interface RateLimitSettings {
  enabled: boolean;
  /** Password logins (/api/users/login, /auth, /oauth/token password grant) per client IP. */
  loginPerIp: RateLimitRule;
  /** Consecutive failed password logins per account; a successful login starts it again. */
  loginPerAccount: RateLimitRule;
  /** Refresh-token grants per client IP. */
  refreshPerIp: RateLimitRule;
  /** Registrations per client IP. */
  registerPerIp: RateLimitRule;
  /** Every this many checks a process also deletes expired counters (0: never; the CLI does). */
  purgeEvery: number;
}

/** The job queue and its workers (src/modules/jobs). */
export interface JobSettings {
  /** `npm start` runs a worker in the server process too. */
  workerInProcess: boolean;
  /** How often an idle worker looks for due jobs. */
  pollIntervalMs: number;
  /** Jobs one worker runs at once. */
  concurrency: number;
  /** Attempts before a job is dead-lettered (`failed`). */
  maxAttempts: number;
  /** First retry delay; doubled per attempt (with jitter) up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Longest one attempt may run before it counts as failed. */
  timeoutMs: number;
  /** How long a claim holds a job; a worker that died is presumed so after this. Above `timeoutMs`. */
  leaseMs: number;
  /** Finished jobs (and mail delivery records) older than this are deleted by the cleanup. */
  retentionDays: number;
  /** How often the scheduled cleanup runs. */
  cleanupIntervalMs: number;
}

/** Outgoing mail (src/modules/mail). */
export interface MailSettings {
  /** `smtp://user:pass@host:587`, `smtps://…`; unset: mails are logged, not sent. */
  smtpUrl: string | undefined;
  /** The From header. */
  from: string;
  /** At most one comment notification per article per this window (comments in it are batched). */
  commentWindowMs: number;
}

/** What one `/graphql` request may ask for; each is checked before any SQL runs. */
export interface GraphqlLimits {
  /** Whether `__schema` / `__type` are answered (off in production unless asked for). */
  introspection: boolean;
  /** Deepest field nesting in an operation. */
  maxDepth: number;
  /** Highest estimated cost: each field 1, times the page size of the lists around it. */
  maxCost: number;
  /** Most aliased fields in a document (each alias can repeat a whole query). */
  maxAliases: number;
  /** Most lexical tokens in a document (the parser stops at the first one over). */
  maxTokens: number;
  /** Largest `/graphql` request body, e.g. `256kb`. */
  bodyLimit: string;
}

/** The development secret: fine on a laptop, refused in production. */
export const DEFAULT_JWT_SECRET = 'dev-only-secret-change-me';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const NODE_ENVS: readonly NodeEnv[] = ['development', 'test', 'production'];
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const LOG_FORMATS: readonly LogFormat[] = ['auto', 'pretty', 'json'];
const DATABASE_POOLERS: readonly DatabasePooler[] = ['none', 'transaction'];
const DURATION = /^\d+$|^\d+(\.\d+)?\s*(ms|s|m|h|d|w|y)$/;
const BYTE_SIZE = /^\d+\s*(b|kb|mb)?$/i;

export type Env = Record<string, string | undefined>;

const DURATION_UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Whole seconds of `90`, `30s`, `15m`, `12h`, `7d`, `2w`; undefined for anything else (or 0). */
export function durationSeconds(text: string): number | undefined {
  const match = /^(\d+)\s*(s|m|h|d|w)?$/.exec(text.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * DURATION_UNIT_SECONDS[match[2] ?? 's'];
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : undefined;
}

/** `10/15m`: 10 hits per 15 minutes; undefined when malformed. */
export function parseRateLimitRule(text: string): RateLimitRule | undefined {
  const match = /^(\d+)\s*\/\s*(.+)$/.exec(text.trim());
  if (!match) return undefined;
  const limit = Number(match[1]);
  const windowSeconds = durationSeconds(match[2]);
  if (!Number.isSafeInteger(limit) || limit < 1 || windowSeconds === undefined) return undefined;
  return { limit, windowSeconds };
}

/**
 * Defaults that differ by entry point. Lambda does not migrate on a cold start unless asked:
 * many containers starting at once must not race to migrate (the `migrate` function does it).
 */
export interface ConfigDefaults {
  migrateOnStart?: boolean;
}

export function loadConfig(env: Env = process.env, defaults: ConfigDefaults = {}): AppConfig {
  const problems: string[] = [];
  const value = (key: string) => {
    const raw = env[key]?.trim();
    return raw === '' ? undefined : raw;
  };

  const nodeEnv = (value('NODE_ENV') ?? 'development') as NodeEnv;
  if (!NODE_ENVS.includes(nodeEnv)) {
    problems.push(`NODE_ENV must be one of ${NODE_ENVS.join(', ')} (got "${nodeEnv}")`);
  }
  const production = nodeEnv === 'production';

  const integer = (key: string, fallback: number, min: number, max: number) => {
    const raw = value(key);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      problems.push(`${key} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return parsed;
  };

  const boolean = (key: string, fallback: boolean) => {
    const raw = value(key)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${key} must be true or false (got "${raw}")`);
    return fallback;
  };

  const databaseUrl = value('DATABASE_URL');
  // The embedded database is one process's files on local disk: right for a laptop, a silent data
  // loss in a production deploy that simply forgot DATABASE_URL. Production must ask for it.
  if (production && databaseUrl === undefined && !boolean('ALLOW_EMBEDDED_DATABASE_IN_PRODUCTION', false)) {
    problems.push(
      'DATABASE_URL must be set in production (or set ALLOW_EMBEDDED_DATABASE_IN_PRODUCTION=true to run on the embedded database)',
    );
  }
  const checkPostgresUrl = (key: string, url: string | undefined) => {
    if (url === undefined) return;
    try {
      if (!['postgres:', 'postgresql:'].includes(new URL(url).protocol)) {
        problems.push(`${key} must be a postgres:// or postgresql:// URL`);
      }
    } catch {
      problems.push(`${key} is not a valid URL`);
    }
  };
  checkPostgresUrl('DATABASE_URL', databaseUrl);

  const databasePooler = (value('DATABASE_POOLER')?.toLowerCase() ?? 'none') as DatabasePooler;
  if (!DATABASE_POOLERS.includes(databasePooler)) {
    problems.push(`DATABASE_POOLER must be one of ${DATABASE_POOLERS.join(', ')} (got "${databasePooler}")`);
  } else if (databasePooler !== 'none' && databaseUrl === undefined) {
    problems.push('DATABASE_POOLER needs DATABASE_URL (the embedded database has no pooler)');
  }
  const databaseDirectUrl = value('DATABASE_DIRECT_URL');
  checkPostgresUrl('DATABASE_DIRECT_URL', databaseDirectUrl);
  if (databaseDirectUrl !== undefined && databaseUrl === undefined) {
    problems.push('DATABASE_DIRECT_URL needs DATABASE_URL (it is the way past the pooler DATABASE_URL names)');
  }

  const databaseReplicaUrls = (value('DATABASE_REPLICA_URLS') ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  if (databaseReplicaUrls.length > 0 && databaseUrl === undefined) {
    // The embedded database is one process's files: nothing can stream from it.
    problems.push('DATABASE_REPLICA_URLS needs DATABASE_URL (the primary they replicate)');
  }
  for (const [index, replicaUrl] of databaseReplicaUrls.entries()) {
    try {
      if (!['postgres:', 'postgresql:'].includes(new URL(replicaUrl).protocol)) {
        problems.push(`DATABASE_REPLICA_URLS item ${index + 1} must be a postgres:// or postgresql:// URL`);
      }
    } catch {
      problems.push(`DATABASE_REPLICA_URLS item ${index + 1} is not a valid URL`);
    }
  }

  const jwtSecret = value('JWT_SECRET') ?? DEFAULT_JWT_SECRET;
  if (production && jwtSecret === DEFAULT_JWT_SECRET) {
    problems.push('JWT_SECRET must be set to a private value in production');
  } else if (production && jwtSecret.length < 32) {
    problems.push('JWT_SECRET must be at least 32 characters in production');
  }

  const jwtExpiresIn = value('JWT_EXPIRES_IN') ?? '7d';
  if (!DURATION.test(jwtExpiresIn)) {
    problems.push(`JWT_EXPIRES_IN must be seconds or a duration like 7d, 12h, 30m (got "${jwtExpiresIn}")`);
  }

  const logLevel = (value('LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info')) as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }

  const logFormat = (value('LOG_FORMAT')?.toLowerCase() ?? 'auto') as LogFormat;
  if (!LOG_FORMATS.includes(logFormat)) {
    problems.push(`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')} (got "${logFormat}")`);
  }

  // Outside production a laptop's server should not be reachable from the network; in
  // production (a container, a VM behind a load balancer) it must be.
  const host = value('HOST') ?? (production ? '0.0.0.0' : '127.0.0.1');

  const corsRaw = value('CORS_ORIGINS') ?? (production ? '' : '*');
  const corsOrigins: AppConfig['corsOrigins'] =
    corsRaw === '*'
      ? '*'
      : corsRaw
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean);

  const bodyLimit = value('BODY_LIMIT') ?? '1mb';
  if (!BYTE_SIZE.test(bodyLimit)) {
    problems.push(`BODY_LIMIT must be a size like 1mb, 512kb or 1048576 (got "${bodyLimit}")`);
  }

  const graphqlBodyLimit = value('GRAPHQL_BODY_LIMIT') ?? '256kb';
  if (!BYTE_SIZE.test(graphqlBodyLimit)) {
    problems.push(`GRAPHQL_BODY_LIMIT must be a size like 256kb or 262144 (got "${graphqlBodyLimit}")`);
  }

  const httpHeadersTimeoutMs = integer('HTTP_HEADERS_TIMEOUT_MS', 10_000, 1000, 600_000);
  const httpRequestTimeoutMs = integer('HTTP_REQUEST_TIMEOUT_MS', 30_000, 1000, 3_600_000);
  if (httpHeadersTimeoutMs > httpRequestTimeoutMs) {
    problems.push('HTTP_HEADERS_TIMEOUT_MS must not be larger than HTTP_REQUEST_TIMEOUT_MS');
  }

  const sentryDsn = value('SENTRY_DSN');
  if (sentryDsn !== undefined) {
    // Checked here so a typo fails the start, not silently every report later.
    try {
      const url = new URL(sentryDsn);
      // The project id is the path's last segment (a path always starts with a slash).
      if (!['http:', 'https:'].includes(url.protocol) || url.username === '' || !/\/\w+$/.test(url.pathname)) {
        problems.push('SENTRY_DSN must look like https://<public key>@<host>/<project id>');
      }
    } catch {
      problems.push('SENTRY_DSN is not a valid URL');
    }
  }

  const smtpUrl = value('SMTP_URL');
  if (smtpUrl !== undefined) {
    try {
      if (!['smtp:', 'smtps:'].includes(new URL(smtpUrl).protocol))
        problems.push('SMTP_URL must be an smtp:// or smtps:// URL');
    } catch {
      problems.push('SMTP_URL is not a valid URL');
    }
  }
  const jobTimeoutMs = integer('JOBS_TIMEOUT_MS', 30_000, 100, 3_600_000);
  const jobLeaseMs = integer('JOBS_LEASE_MS', 60_000, 200, 7_200_000);
  // A job must time out before its lease ends, or a slow attempt and its re-claim run at once.
  if (jobLeaseMs <= jobTimeoutMs) problems.push('JOBS_LEASE_MS must be larger than JOBS_TIMEOUT_MS');
  const retryBaseMs = integer('JOBS_RETRY_BASE_MS', 10_000, 1, 86_400_000);
  const retryMaxMs = integer('JOBS_RETRY_MAX_MS', 3_600_000, 1, 604_800_000);
  if (retryMaxMs < retryBaseMs) problems.push('JOBS_RETRY_MAX_MS must not be smaller than JOBS_RETRY_BASE_MS');
  const seconds = (key: string, fallback: string, max: number) => {
    const raw = value(key) ?? fallback;
    const parsed = durationSeconds(raw);
    if (parsed === undefined || parsed > max) {
      problems.push(`${key} must be a duration like 900, 15m, 12h or 30d, at most ${max} seconds (got "${raw}")`);
      return durationSeconds(fallback) as number;
    }
    return parsed;
  };

  const rule = (key: string, fallback: string) => {
    const raw = value(key) ?? fallback;
    const parsed = parseRateLimitRule(raw);
    if (parsed === undefined) {
      problems.push(`${key} must be hits per duration, like 10/15m or 100/1h (got "${raw}")`);
      return parseRateLimitRule(fallback) as RateLimitRule;
    }
    return parsed;
  };

  const clientIdsRaw = value('OAUTH_CLIENT_IDS');
  const clientIds = clientIdsRaw
    ?.split(',')
    .map((id) => id.trim())
    .filter(Boolean);

  const dataDir = value('PGLITE_DATA_DIR') ?? path.join('.data', 'pglite');
  const config: AppConfig = {
    nodeEnv,
    host,
    port: integer('PORT', 3000, 0, 65535),
    databaseUrl,
    databasePooler,
    databaseDirectUrl,
    databaseReplicaUrls,
    embeddedDataDir: dataDir.startsWith('memory://') ? dataDir : path.resolve(dataDir),
    dbPoolMax: integer('DB_POOL_MAX', 10, 1, 200),
    dbAcquireTimeoutMs: integer('DB_ACQUIRE_TIMEOUT_MS', 5000, 100, 600_000),
    dbStatementTimeoutMs: integer('DB_STATEMENT_TIMEOUT_MS', 5000, 100, 3_600_000),
    dbStartupTimeoutMs: integer('DB_STARTUP_TIMEOUT_MS', 30_000, 0, 3_600_000),
    shutdownGraceMs: integer('SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    httpHeadersTimeoutMs,
    httpRequestTimeoutMs,
    httpKeepAliveTimeoutMs: integer('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5000, 100, 600_000),
    jwtSecret,
    jwtExpiresIn,
    logLevel,
    logFormat,
    migrateOnStart: boolean('MIGRATE_ON_START', defaults.migrateOnStart ?? true),
    corsOrigins,
    bodyLimit,
    sentryDsn,
    sentryEnvironment: value('SENTRY_ENVIRONMENT') ?? nodeEnv,
    sentryRelease: value('SENTRY_RELEASE') ?? packageVersion,
    graphql: {
      introspection: boolean('GRAPHQL_INTROSPECTION', !production),
      maxDepth: integer('GRAPHQL_MAX_DEPTH', 12, 1, 100),
      maxCost: integer('GRAPHQL_MAX_COST', 5000, 1, 1_000_000),
      maxAliases: integer('GRAPHQL_MAX_ALIASES', 20, 0, 1000),
      maxTokens: integer('GRAPHQL_MAX_TOKENS', 2000, 10, 100_000),
      bodyLimit: graphqlBodyLimit,
    },
    jobs: {
      workerInProcess: boolean('JOBS_WORKER_IN_PROCESS', true),
      pollIntervalMs: integer('JOBS_POLL_INTERVAL_MS', 1000, 10, 600_000),
      concurrency: integer('JOBS_CONCURRENCY', 2, 1, 100),
      maxAttempts: integer('JOBS_MAX_ATTEMPTS', 5, 1, 100),
      retryBaseMs,
      retryMaxMs,
      timeoutMs: jobTimeoutMs,
      leaseMs: jobLeaseMs,
      retentionDays: integer('JOBS_RETENTION_DAYS', 7, 1, 3650),
      cleanupIntervalMs: integer('JOBS_CLEANUP_INTERVAL_MS', 3_600_000, 1000, 604_800_000),
    },
    mail: {
      smtpUrl,
      from: value('MAIL_FROM') ?? 'Conduit <no-reply@conduit.invalid>',
      commentWindowMs: integer('COMMENT_MAIL_WINDOW_MS', 600_000, 0, 86_400_000),
    },
    oauth: {
      accessTokenTtlSeconds: seconds('OAUTH_ACCESS_TOKEN_TTL', '15m', 86_400),
      refreshTokenTtlSeconds: seconds('OAUTH_REFRESH_TOKEN_TTL', '30d', 366 * 86_400),
      clientIds: clientIds && clientIds.length > 0 ? clientIds : undefined,
    },
    rateLimits: {
      enabled: boolean('RATE_LIMITS', true),
      loginPerIp: rule('RATE_LIMIT_LOGIN_PER_IP', '100/15m'),
      loginPerAccount: rule('RATE_LIMIT_LOGIN_PER_ACCOUNT', '10/15m'),
      refreshPerIp: rule('RATE_LIMIT_REFRESH_PER_IP', '120/15m'),
      registerPerIp: rule('RATE_LIMIT_REGISTER_PER_IP', '20/1h'),
      purgeEvery: integer('RATE_LIMIT_PURGE_EVERY', 1000, 0, 1_000_000),
    },
    trustProxyHops: integer('TRUST_PROXY', 0, 0, 10),
    webConcurrency: integer('WEB_CONCURRENCY', 1, 1, 64),
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * Fills in what `env` leaves unset from a dotenv file; it never overrides a set value. Tests set
 * their whole environment themselves (spec/support/env.ts), so under NODE_ENV=test the file is
 * not read: a developer's DATABASE_URL in .env must never become the database a spec run
 * recreates. Returns the keys it filled in.
 */
export function applyDotEnv(env: Env = process.env, file = '.env'): string[] {
  if (env.NODE_ENV === 'test' || !fs.existsSync(file)) return [];
  const filled: string[] = [];
  for (const [key, fileValue] of Object.entries(parseEnv(fs.readFileSync(file, 'utf8')))) {
    if (env[key] !== undefined) continue;
    env[key] = fileValue;
    filled.push(key);
  }
  return filled;
}

/** The process's environment (plus `.env`), read now with the entry point's defaults. */
export function readConfig(defaults: ConfigDefaults = {}): AppConfig {
  applyDotEnv();
  return loadConfig(process.env, defaults);
}

let cached: AppConfig | undefined;

/** The process-wide configuration, read on first use. */
export function getConfig(): AppConfig {
  cached ??= readConfig();
  return cached;
}
