import { Client } from 'pg';
import {
  dropAbandonedDatabases,
  dropOwnedDatabase,
  recreateOwnedDatabase,
  withDatabaseName,
} from '../../src/db/server-databases';

/** The machine's PostgreSQL server the suite runs against; only its scratch database is changed. */
export const POSTGRES_URL = process.env.RELIABILITY_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// The purpose in the ownership mark of the databases this suite creates (src/db/server-databases):
// it drops a database only when it carries that mark and its own PID.
const PURPOSE = 'reliability';

export interface ScratchDatabase {
  name: string;
  host: string;
  port: number;
  /** URL of the scratch database straight on the server (not through a proxy). */
  url: string;
  /** The same database reached through another host and port, e.g. a proxy. */
  urlVia(host: string, port: number): string;
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Ends every other session on the scratch database (they get FATAL 57P01); how many. */
  terminateSessions(): Promise<number>;
  drop(): Promise<void>;
}

export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const name = `conduit_reliability_${process.pid}`;
  // Scratch databases of earlier runs that were killed before their teardown.
  await dropAbandonedDatabases(POSTGRES_URL, PURPOSE);
  await recreateOwnedDatabase(withDatabaseName(POSTGRES_URL, name), PURPOSE);
  const server = new URL(POSTGRES_URL);
  const urlVia = (host: string, port: number) => {
    const url = new URL(POSTGRES_URL);
    url.hostname = host;
    url.port = String(port);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const url = urlVia(server.hostname, Number(server.port || 5432));
  return {
    name,
    host: server.hostname,
    port: Number(server.port || 5432),
    url,
    urlVia,
    query: (sql, params) => withClient(url, async (client) => (await client.query(sql, params)).rows),
    terminateSessions: () =>
      withClient(POSTGRES_URL, async (client) => {
        const result = await client.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [name],
        );
        return result.rowCount ?? 0;
      }),
    drop: async () => {
      await dropOwnedDatabase(url);
    },
  };
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
