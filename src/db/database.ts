import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { buildOrmOptions, unansweredQueryTimeoutMs } from '../../mikro-orm.config';
import type { AppConfig } from '../config/config';
import type { Logger } from '../logger';
import { bundledMigrations } from './bundled-migrations';
import type { EmbeddedPostgres } from './embedded-postgres';
import { withMigrationLock } from './migration-lock';
import { watchUnansweredQueries } from './unanswered-queries';

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
 */
export async function openDatabase(config: AppConfig, options: OpenDatabaseOptions = {}): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let connection: Partial<Options>;
  let description: string;
  let url: string;

  if (config.databaseUrl) {
    url = config.databaseUrl;
    connection = { clientUrl: config.databaseUrl };
    description = `postgresql ${redactUrl(config.databaseUrl)}`;
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
    const ormOptions = (boundedStatements: boolean): Options => ({
      ...base,
      ...connection,
      extensions,
      migrations: {
        ...base.migrations,
        snapshot: options.snapshot ?? false,
        ...(bundledMigrations && { migrationsList: bundledMigrations }),
      },
      logger: (message) => logger?.info({ orm: true }, message),
      ...(boundedStatements ? {} : WITHOUT_STATEMENT_TIMEOUTS),
      ...options.orm,
    });
    // Migrations (and the CLI's batch work) may legitimately run longer than a request may wait,
    // so they get an ORM of their own without the statement timeouts.
    if (options.migrate) {
      await withMigrationLock(config.databaseUrl, async () => migrateWith(await MikroORM.init(ormOptions(false))));
    }
    orm = await MikroORM.init(ormOptions(!options.migrator));
    if (!options.migrator) stopWatching = watchUnansweredQueries(orm, unansweredQueryTimeoutMs(config));
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

/** 0 means "no limit" to both node-postgres and PostgreSQL. */
const WITHOUT_STATEMENT_TIMEOUTS: Partial<Options> = {
  driverOptions: { connection: { statement_timeout: 0 } },
};

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
