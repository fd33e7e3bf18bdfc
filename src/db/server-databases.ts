import { Client } from 'pg';

/**
 * Creating and dropping whole databases on a PostgreSQL server (`initdb`, the spec setup).
 * These statements cannot run inside the target database, so they go through the server's
 * `postgres` maintenance database.
 */

export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  return name || 'postgres';
}

export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function withMaintenanceClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: withDatabaseName(url, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the database named in `url` unless it exists. True when it was created. */
export function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseNameOf(url);
  return withMaintenanceClient(url, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`create database ${quoteIdentifier(name)}`);
    return true;
  });
}

/** Drops (disconnecting its sessions) and recreates the database named in `url`. */
export function recreateDatabase(url: string): Promise<void> {
  const name = databaseNameOf(url);
  if (name === 'postgres') throw new Error('refusing to drop the postgres maintenance database');
  return withMaintenanceClient(url, async (client) => {
    await client.query(`drop database if exists ${quoteIdentifier(name)} with (force)`);
    await client.query(`create database ${quoteIdentifier(name)}`);
  });
}
