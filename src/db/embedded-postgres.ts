import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * An embedded PostgreSQL for machines without a server: PGlite (PostgreSQL compiled to WASM)
 * served over the PostgreSQL wire protocol on 127.0.0.1, so the ORM talks to it exactly as it
 * talks to a real server.
 *
 * PGlite is a single backend: the socket server multiplexes connections onto it and runs one
 * query at a time, so transactions from different connections serialise. One process may own a
 * data folder at a time.
 */
export interface EmbeddedPostgres {
  host: string;
  port: number;
  user: string;
  dbName: string;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  maxConnections: number;
}): Promise<EmbeddedPostgres> {
  const { dataDir, maxConnections } = options;
  if (!dataDir.startsWith('memory://')) fs.mkdirSync(dataDir, { recursive: true });

  const db = await PGlite.create(dataDir);
  const host = '127.0.0.1';
  const server = new PGLiteSocketServer({ db, host, port: 0, maxConnections });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());

  let stopped: Promise<void> | undefined;
  return {
    host,
    port,
    user: 'postgres',
    dbName: 'postgres',
    dataDir,
    stop() {
      stopped ??= (async () => {
        await server.stop();
        await db.close();
      })();
      return stopped;
    },
  };
}
