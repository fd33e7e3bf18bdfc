import 'reflect-metadata';
import path from 'node:path';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { type AppConfig, getConfig } from './src/config/config';
import { entities } from './src/db/entities';

// Under ts-node this file is .ts and the migrations are read as .ts; in the build both are .js
// in dist/, next to each other, so the same relative folder works for both.
const runningTypeScript = __filename.endsWith('.ts');

/**
 * The ORM options shared by the app, the specs, our CLI and the MikroORM CLI. The connection is
 * DATABASE_URL when set; otherwise `openDatabase()` starts the embedded PostgreSQL and adds its
 * host and port.
 */
export function buildOrmOptions(config: AppConfig = getConfig()): Options {
  return defineConfig({
    entities,
    clientUrl: config.databaseUrl,
    // Bounded waits: a database that is down or frozen must cost a request a few seconds and a
    // 503, not a minute (knex's default acquire timeout) or forever (no statement timeout).
    pool: {
      min: 0,
      max: config.dbPoolMax,
      acquireTimeoutMillis: config.dbAcquireTimeoutMs,
      createTimeoutMillis: config.dbAcquireTimeoutMs,
    },
    driverOptions: { connection: connectionTimeouts(config) },
    preferTs: runningTypeScript,
    discovery: { warnWhenNoEntities: true, requireEntitiesArray: true },
    // Requests must run inside their own RequestContext; a stray use of the global
    // EntityManager is a bug, so it throws instead of leaking state between requests.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    // Log lines go to JSON logs and spec assertions, not a terminal.
    colors: false,
    migrations: {
      path: path.join(__dirname, 'migrations'),
      pathTs: path.join(__dirname, 'migrations'),
      glob: '!(*.d).{js,ts}',
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: true,
      snapshotName: '.snapshot-conduit',
      emit: 'ts',
      fileName: (timestamp, name) => `Migration${timestamp}${name ? `_${name}` : ''}`,
    },
    seeder: {
      path: path.join(__dirname, 'src', 'db', 'seeders'),
      pathTs: path.join(__dirname, 'src', 'db', 'seeders'),
    },
  });
}

/**
 * node-postgres settings merged into every connection. `statement_timeout` makes the server cancel
 * a slow statement cleanly. `connectionTimeoutMillis` bounds opening a connection to a server that
 * accepts TCP but never answers. The backstop for a server that cannot answer at all is
 * watchUnansweredQueries (src/db/unanswered-queries.ts), 0.5 s after the statement timeout so the
 * server's own cancel wins when it can.
 *
 * node-postgres sends `statement_timeout` in the startup packet. A transaction pooler cannot honour
 * it (its server connections are shared by every client) and PgBouncer refuses the connection
 * ("unsupported startup parameter"), so behind one (DATABASE_POOLER=transaction) it is not sent:
 * the timeout is then the role's or the database's setting (README, Scaling out).
 */
export function connectionTimeouts(
  config: Pick<AppConfig, 'dbStatementTimeoutMs' | 'dbAcquireTimeoutMs' | 'databasePooler'>,
) {
  return {
    ...(config.databasePooler === 'none' && { statement_timeout: config.dbStatementTimeoutMs }),
    connectionTimeoutMillis: config.dbAcquireTimeoutMs,
  };
}

/** How long a query may go unanswered before its connection is closed (see watchUnansweredQueries). */
export function unansweredQueryTimeoutMs(config: Pick<AppConfig, 'dbStatementTimeoutMs'>): number {
  return config.dbStatementTimeoutMs + 500;
}

/**
 * For the MikroORM CLI (`npx mikro-orm …`): the same options plus the migrator and seeder. The app
 * loads the migrator only when it migrates (see openDatabase): it is ~80 ms of module loading that
 * a Lambda cold start does not need. A factory, so importing this file reads no environment.
 */
export default async (): Promise<Options> => ({
  ...buildOrmOptions(),
  extensions: [(await import('@mikro-orm/migrations')).Migrator, (await import('@mikro-orm/seeder')).SeedManager],
});
