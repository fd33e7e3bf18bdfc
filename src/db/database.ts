import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { buildOrmOptions, unansweredQueryTimeoutMs } from '../../mikro-orm.config';
import type { AppConfig } from '../config/config';
import type { Logger } from '../logger';
import { bundledMigrations } from './bundled-migrations';
import type { EmbeddedPostgres } from './embedded-postgres';
import { withMigrationLock } from './migration-lock';
import { watchUnansweredQueries } from './unanswered-queries';

/**
 * knex's own messages as log lines. By default knex prints them with `console.warn`: a connection
 * that died mid-outage wrote a bare `Connection Error: …` line between the JSON ones.
 */
export function knexLog(logger: Logger | undefined) {
  const text = (message: unknown) => (message instanceof Error ? message.message : String(message));
  return {
    warn: (message: unknown) => logger?.warn({ orm: 'knex' }, text(message)),
    error: (message: unknown) => logger?.error({ orm: 'knex' }, text(message)),
    deprecate: (method: string, alternative: string) =>
      logger?.warn({ orm: 'knex' }, `${method} is deprecated; use ${alternative}`),
    debug: () => {},
  };
}

/** An initialised ORM plus whatever it runs on, closed together. */
export interface Database {
  orm: MikroORM;
  /** Where the data lives, for logs: never includes a password. */
  description: string;
  /**
   * How another process reaches the same data: DATABASE_URL, or the embedded server's loopback
   * address (which lives only as long as this process). The specs run the real CLI against it.
   */
  url: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Extra ORM options, e.g. a query logger in the specs. */
  orm?: Partial<Options>;
  /** Apply pending migrations before returning (implies `migrator`). */
  migrate?: boolean;
  /** Register the migrator, for `orm.getMigrator()`; left out by default to keep start-up lean. */
  migrator?: boolean;
  /**
   * Keep migrations/.snapshot-conduit.json in step (the CLI's migration commands). Off for the
   * server, Lambda and specs: applying migrations must not rewrite a file in the source tree (it
   * restarts `npm run dev`'s watcher, and dirties checkouts).
   */
  snapshot?: boolean;
  /** Where the ORM's own messages (migrations applied, warnings) go; silent when absent. */
  logger?: Logger;
}

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL when it is unset, and initialises
 * MikroORM once. Everything that needs a database (server, specs, CLI, Lambda) comes through here.
 * Migrations and the migrator's ORM (the CLI, the migrate Lambda) connect to DATABASE_DIRECT_URL
 * when it is set: PostgreSQL itself, past a pooler, where a long statement may run unbounded.
 */
export async function openDatabase(config: AppConfig, options: OpenDatabaseOptions = {}): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let connection: Partial<Options>;
  // Where migrations and the CLI connect: past the pooler when DATABASE_DIRECT_URL says where.
  let directConnection: Partial<Options>;
  let description: string;
  let url: string;
  // Whether the direct connection still goes through a transaction pooler, which refuses startup
  // parameters such as node-postgres's statement_timeout.
  let directIsPooled = false;
  // Where start-up migrations take their lock; none on the embedded database (one process).
  let migrationLockUrl: string | undefined;

  if (config.databaseUrl) {
    url = config.databaseUrl;
    connection = {
      clientUrl: config.databaseUrl,
      // Each replica gets the primary's pool and timeouts (MikroORM copies what it does not set).
      replicas: config.databaseReplicaUrls.map((replicaUrl, index) => ({
        name: `replica-${index + 1}`,
        clientUrl: replicaUrl,
      })),
      // Nothing reads a replica by default: only `readRows` in a safe request does (see
      // src/db/replica-reads.ts), so writes, jobs, the CLI and every transaction see the primary.
      preferReadReplicas: false,
    };
    const directUrl = config.databaseDirectUrl ?? config.databaseUrl;
    // Migrations and the CLI run on the primary alone: replicas receive their work by replication.
    directConnection = { clientUrl: directUrl, replicas: [] };
    directIsPooled = config.databaseDirectUrl === undefined && config.databasePooler !== 'none';
    // A session lock (see migration-lock.ts): never through a transaction pooler, where it would
    // stay behind on a pooled server connection. Behind one, migrate from one place or set
    // DATABASE_DIRECT_URL.
    migrationLockUrl = directIsPooled ? undefined : directUrl;
    description = `postgresql ${redactUrl(options.migrator ? directUrl : config.databaseUrl)}`;
  } else {
    // Loaded only when used: PGlite is megabytes of WebAssembly that a server-backed process (and
    // the Lambda artifact, which leaves it out) never needs.
    const { startEmbeddedPostgres } = await import('./embedded-postgres');
    embedded = await startEmbeddedPostgres({
      dataDir: config.embeddedDataDir,
      // The pool's connections plus a few for a CLI command or psql beside the app.
      maxConnections: config.dbPoolMax + 4,
    });
    // MikroORM rejects a URL with an empty host, so the embedded server is given as parts.
    connection = {
      clientUrl: undefined,
      host: embedded.host,
      port: embedded.port,
      user: embedded.user,
      dbName: embedded.dbName,
    };
    directConnection = connection;
    description = `embedded PGlite (${embedded.dataDir}) on ${embedded.host}:${embedded.port}`;
    url = `postgres://${embedded.user}@${embedded.host}:${embedded.port}/${embedded.dbName}`;
  }

  let orm: MikroORM;
  // The CLI's connection (the migrator) may run long batch statements: no backstop there.
  let stopWatching = () => {};
  try {
    const logger = options.logger;
    const extensions = options.migrate || options.migrator ? [(await import('@mikro-orm/migrations')).Migrator] : [];
    const base = buildOrmOptions(config);
    // The app's requests: DATABASE_URL, bounded statements.
    const requestOptions: Options = {
      ...base,
      ...connection,
      extensions,
      migrations: {
        ...base.migrations,
        snapshot: options.snapshot ?? false,
        ...(bundledMigrations && { migrationsList: bundledMigrations }),
      },
      logger: (message) => logger?.info({ orm: true }, message),
      driverOptions: { ...base.driverOptions, log: knexLog(logger) },
      ...options.orm,
    };
    // Migrations (and the CLI's batch work) may legitimately run longer than a request may wait,
    // so they get an ORM of their own, on the direct connection, without the statement timeout.
    // Through a pooler (no DATABASE_DIRECT_URL) the role's or database's statement_timeout still
    // applies: a startup parameter cannot lift it there.
    const batchOptions: Options = {
      ...requestOptions,
      ...directConnection,
      driverOptions: {
        connection: {
          connectionTimeoutMillis: config.dbAcquireTimeoutMs,
          ...(!directIsPooled && { statement_timeout: 0 }),
        },
        log: knexLog(logger),
      },
      ...options.orm,
    };
    if (options.migrate) {
      await withMigrationLock(migrationLockUrl, async () => migrateWith(await MikroORM.init(batchOptions)));
    }
    orm = await MikroORM.init(options.migrator ? batchOptions : requestOptions);
    if (!options.migrator) stopWatching = watchUnansweredQueries(orm, unansweredQueryTimeoutMs(config));
    // After the watch: on a frozen database this query gives up with the others.
    if (!options.migrator && config.databaseUrl && config.databasePooler !== 'none') {
      await warnOnPooledStatementTimeout(orm, config.dbStatementTimeoutMs, logger);
    }
  } catch (error) {
    await embedded?.stop();
    throw error;
  }

  let closed: Promise<void> | undefined;
  return {
    orm,
    description,
    url,
    close() {
      closed ??= (async () => {
        stopWatching();
        await orm.close(true);
        await embedded?.stop();
      })();
      return closed;
    },
  };
}

/**
 * Behind a transaction pooler the statement timeout is the role's or the database's, not the app's
 * (see connectionTimeouts). One query at start-up says so when it is off or longer than
 * DB_STATEMENT_TIMEOUT_MS: then the app's backstop answers 503 and the statement runs on. A
 * database that does not answer yet is not an error here: the requests will say so.
 */
async function warnOnPooledStatementTimeout(orm: MikroORM, wantedMs: number, logger: Logger | undefined) {
  const found = await orm.em
    .fork()
    .getConnection()
    .execute<{ ms: number; role: string }[]>(
      `select setting::int as ms, quote_ident(current_user) as role from pg_settings where name = 'statement_timeout'`,
    )
    .then(([row]) => row)
    .catch(() => undefined);
  if (!found || (found.ms !== 0 && found.ms <= wantedMs)) return;
  const now = found.ms === 0 ? 'off' : `${found.ms} ms, longer than DB_STATEMENT_TIMEOUT_MS (${wantedMs} ms)`;
  logger?.warn(
    { statementTimeoutMs: found.ms, dbStatementTimeoutMs: wantedMs },
    `statement_timeout through the pooler is ${now}: a slow statement goes on running on the server after its ` +
      `request got 503; set it on the role: ALTER ROLE ${found.role} SET statement_timeout = ${wantedMs}`,
  );
}

async function migrateWith(orm: MikroORM): Promise<void> {
  try {
    await orm.getMigrator().up();
  } finally {
    await orm.close(true);
  }
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable url)';
  }
}
