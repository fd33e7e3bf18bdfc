import { Client } from 'pg';

/**
 * Runs `work` (applying migrations) while holding a PostgreSQL advisory lock, so that processes
 * starting together on one database (the containers of a deploy, two `npm start`s) apply each
 * migration once: the others wait, then find nothing pending. Without it they race and all but
 * one fail on `duplicate key` in the catalog.
 *
 * The lock belongs to a transaction on a connection of its own, held open while `work` runs on
 * the migrator's connections: a transaction keeps its server connection even through PgBouncer
 * in transaction mode, where a session lock would stay behind on a pooled connection. The
 * embedded database needs none: one process owns it (the data-folder lock), and there an open
 * transaction would stall every other connection, the migrator's included.
 */
export async function withMigrationLock<T>(databaseUrl: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!databaseUrl) return work();
  const client = new Client({ connectionString: databaseUrl });
  // A connection lost while waiting fails the query below; no unhandled 'error' event.
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`select pg_advisory_xact_lock(hashtext('koa-conduit:migrations'))`);
    return await work();
  } finally {
    await client.query('commit').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
