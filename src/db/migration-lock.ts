import { Client } from 'pg';

/**
 * Runs `work` (applying migrations) while holding a PostgreSQL advisory lock, so that processes
 * starting together on one database (the containers of a deploy, two `npm start`s) apply each
 * migration once: the others wait, then find nothing pending. Without it they race and all but
 * one fail on `duplicate key` in the catalog.
 *
 * A session lock, on a connection of its own, taken and released outside any transaction: the
 * embedded database served on a socket (the specs', the CLI's beside a server) runs every
 * connection in ONE backend session and one transaction at a time, so a transaction held open
 * for the lock would stall the migrator itself, while a session lock there is simply re-entrant.
 * Behind a transaction pooler (PgBouncer) a session lock would stay on a pooled connection: this
 * URL must then be the direct one, as the migrator's is.
 */
export async function withMigrationLock<T>(databaseUrl: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!databaseUrl) return work();
  const client = new Client({ connectionString: databaseUrl });
  // A connection lost while waiting fails the query below; no unhandled 'error' event.
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(`select pg_advisory_lock(hashtext('koa-conduit:migrations'))`);
    return await work();
  } finally {
    await client.query(`select pg_advisory_unlock(hashtext('koa-conduit:migrations'))`).catch(() => undefined);
    // Closing the session releases the lock anyway.
    await client.end().catch(() => undefined);
  }
}
