import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { type DataFolderLock, lockDataFolder } from './data-folder-lock';

/**
 * An embedded PostgreSQL for machines without a server: PGlite (PostgreSQL compiled to WASM)
 * served over the PostgreSQL wire protocol on 127.0.0.1, so the ORM talks to it exactly as it
 * talks to a real server.
 *
 * PGlite is a single backend: the socket server multiplexes connections onto it and runs one
 * query at a time, so transactions from different connections serialise. One process may own a
 * data folder at a time: it holds the folder's lock (data-folder-lock.ts) from before PGlite opens
 * the files until after it has closed them, and a second process fails at once.
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
  let lock: DataFolderLock | undefined;
  if (!dataDir.startsWith('memory://')) {
    lock = lockDataFolder(dataDir);
    fs.mkdirSync(dataDir, { recursive: true });
  }

  let db: PGlite | undefined;
  let server: PGLiteSocketServer;
  const host = '127.0.0.1';
  try {
    db = await PGlite.create(dataDir);
    server = new PGLiteSocketServer({ db, host, port: 0, maxConnections });
    await server.start();
  } catch (error) {
    await db?.close().catch(() => {});
    lock?.release();
    throw error;
  }
  const port = Number(server.getServerConn().split(':').pop());
  const database = db;

  let stopped: Promise<void> | undefined;
  return {
    host,
    port,
    user: 'postgres',
    dbName: 'postgres',
    dataDir,
    stop() {
      stopped ??= (async () => {
        try {
          await server.stop();
          await database.close();
        } finally {
          lock?.release();
        }
      })();
      return stopped;
    },
  };
}
