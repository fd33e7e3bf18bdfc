import { printFigures } from './figures';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database';
import { ServerProcess } from './server-process';
import { TcpProxy } from './tcp-proxy';

/**
 * Mocha global fixtures of the reliability suite: one scratch database on the machine's
 * PostgreSQL for the whole run, dropped at the end (only it: it carries the suite's mark).
 */
let database: ScratchDatabase | undefined;
const proxies = new Set<TcpProxy>();

export function scratchDatabase(): ScratchDatabase {
  if (!database) throw new Error('the scratch database is created by mochaGlobalSetup');
  return database;
}

/** A proxy in front of the scratch database, stopped when the suite ends. */
export async function startProxy(): Promise<TcpProxy> {
  const db = scratchDatabase();
  const proxy = new TcpProxy(db.host, db.port);
  await proxy.start();
  proxies.add(proxy);
  return proxy;
}

/** A server process whose DATABASE_URL goes through `proxy`; resolves once it serves the app. */
export async function startServerBehind(
  proxy: TcpProxy,
  env: Record<string, string> = {},
): Promise<{ server: ServerProcess; port: number }> {
  const server = new ServerProcess({ DATABASE_URL: scratchDatabase().urlVia('127.0.0.1', proxy.port), ...env });
  const port = await server.ready();
  return { server, port };
}

export async function mochaGlobalSetup(): Promise<void> {
  database = await createScratchDatabase();
  console.log(`reliability suite on scratch database ${database.name} (${database.host}:${database.port})`);
}

export async function mochaGlobalTeardown(): Promise<void> {
  await ServerProcess.killAll();
  for (const proxy of proxies) await proxy.stop();
  await database?.drop();
  printFigures();
}
