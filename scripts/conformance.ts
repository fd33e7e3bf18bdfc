import 'reflect-metadata';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Bootstrapped, bootstrap } from '../src/bootstrap';
import { ConfigError, loadConfig } from '../src/config/config';
import { redactUrl } from '../src/db/database';
import {
  DatabaseOwnershipError,
  dropOwnedDatabase,
  recreateOwnedDatabase,
  setDatabaseStatementTimeout,
  withDatabaseName,
} from '../src/db/server-databases';
import { CollectionUnavailableError, resolveCollection } from './realworld-collection';
import { RoundRobinProxy } from './round-robin-proxy';

/**
 * `npm run conformance [-- <collection.json>]`: serves this app on an ephemeral loopback port over
 * a fresh database and runs the public RealWorld Postman suite against it with newman.
 *
 * Database: a fresh in-memory embedded PostgreSQL, or, when CONFORMANCE_DATABASE_URL (else
 * DATABASE_URL) names a server, the database `conduit_conformance` on it (CONFORMANCE_DATABASE_NAME
 * changes the name), created for the run, marked as the conformance run's, and dropped after it.
 * The database the URL names is never touched, nor any database the run did not create. Exits
 * non-zero when any assertion fails or newman itself errors. Behind a transaction pooler
 * (DATABASE_POOLER=transaction), CONFORMANCE_DATABASE_DIRECT_URL (else DATABASE_DIRECT_URL) names
 * the server past it: the run creates, migrates and drops its database there.
 *
 * Collection: the argument, else ../shared/realworld (beside a checkout of the monorepo), else the
 * pinned upstream file, downloaded once and verified by its SHA-256 (see realworld-collection.ts).
 *
 * `--processes N` (N ≥ 2; needs a server URL as above): builds, migrates the fresh database once,
 * starts N real server processes (`node dist/src/server.js`) on it and runs the suite through a
 * loopback round-robin proxy (each request to the next process), printing how many requests each
 * got: nothing a request needs may live in one process's memory. DATABASE_URL may name a pooler
 * (PgBouncer): creating, dropping and migrating the database then go through
 * CONFORMANCE_DATABASE_DIRECT_URL, else DATABASE_DIRECT_URL, when set (the same server, directly).
 */

const PROJECT_ROOT = path.resolve(__dirname, '..');
const DEFAULT_DATABASE_NAME = 'conduit_conformance';
const PASSWORD = 'password';
const LEGACY_FAILURE = /^expected (false|undefined|null|0|'') to be truthy$/;

// newman ships no type declarations; these describe the part of its Node API used here.
interface NewmanVariable {
  key: string;
  value: string;
}
interface NewmanRunOptions {
  collection: string;
  reporters: string[];
  reporter: { cli: { noConsole: boolean } };
  globalVar: NewmanVariable[];
  timeoutRequest: number;
}
interface NewmanNamed {
  name?: string;
}
interface NewmanFailure {
  error: { name?: string; message?: string; test?: string };
  /** Where it failed, e.g. `assertion:2 in test-script`, `request`. */
  at?: string;
  /** The request (item) that failed, and the folder holding it. */
  source?: NewmanNamed;
  parent?: NewmanNamed;
}
interface NewmanSummary {
  run: {
    stats: { assertions: { total: number; failed: number; pending?: number } };
    failures: NewmanFailure[];
    error?: unknown;
  };
}
interface Newman {
  run(options: NewmanRunOptions, callback: (error: Error | null, summary: NewmanSummary) => void): unknown;
}

function fail(message: string): never {
  console.error(`conformance: ${message}`);
  process.exit(2);
}

async function collectionPath(argument: string | undefined): Promise<string> {
  if (argument) {
    // npm runs scripts from the project root; INIT_CWD is where the caller typed the path.
    const given = path.resolve(process.env.INIT_CWD ?? process.cwd(), argument);
    if (!fs.existsSync(given)) fail(`collection not found: ${given}`);
    return given;
  }
  try {
    const found = await resolveCollection({
      projectRoot: PROJECT_ROOT,
      log: (line) => console.log(`conformance: ${line}`),
    });
    return found.path;
  } catch (error) {
    if (error instanceof CollectionUnavailableError) fail(error.message);
    throw error;
  }
}

/**
 * The app's environment for this run, written into process.env so that anything reading the
 * configuration later sees the same values. `.env` is deliberately not loaded: a DATABASE_URL
 * there would otherwise move the run onto a developer's database.
 */
function prepareEnvironment(): { serverDatabaseUrl: string | undefined; adminUrl: string | undefined } {
  const serverUrl = (process.env.CONFORMANCE_DATABASE_URL ?? process.env.DATABASE_URL)?.trim() || undefined;
  const directUrl =
    (process.env.CONFORMANCE_DATABASE_DIRECT_URL ?? process.env.DATABASE_DIRECT_URL)?.trim() || undefined;
  const databaseName = process.env.CONFORMANCE_DATABASE_NAME?.trim() || DEFAULT_DATABASE_NAME;
  const serverDatabaseUrl = serverUrl ? withDatabaseName(serverUrl, databaseName) : undefined;
  const directDatabaseUrl = serverUrl && directUrl ? withDatabaseName(directUrl, databaseName) : undefined;

  process.env.NODE_ENV = 'test';
  // Request lines at info would bury newman's report; warnings and errors still show.
  process.env.LOG_LEVEL = process.env.CONFORMANCE_LOG_LEVEL ?? 'warn';
  process.env.MIGRATE_ON_START = 'true';
  process.env.PORT = '0';
  process.env.CORS_ORIGINS = '*';
  if (serverDatabaseUrl) {
    process.env.DATABASE_URL = serverDatabaseUrl;
    if (directDatabaseUrl) process.env.DATABASE_DIRECT_URL = directDatabaseUrl;
    else delete process.env.DATABASE_DIRECT_URL;
  } else {
    delete process.env.DATABASE_URL;
    delete process.env.DATABASE_DIRECT_URL;
    delete process.env.DATABASE_POOLER;
    process.env.PGLITE_DATA_DIR = 'memory://';
  }
  // Created and dropped past the pooler when there is one: it would hold connections to it.
  return { serverDatabaseUrl, adminUrl: directDatabaseUrl ?? serverDatabaseUrl };
}

/** Fresh credentials: the suite registers them, so a reused name would fail with "taken". */
function freshUser(): { username: string; email: string } {
  const username = `u${Date.now()}${randomBytes(3).toString('hex')}`;
  return { username, email: `${username}@mail.com` };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    // The run is over: newman's keep-alive sockets would otherwise hold close() open.
    server.closeAllConnections();
  });
}

function runNewman(options: NewmanRunOptions): Promise<NewmanSummary> {
  // Loaded lazily: newman pulls in a large dependency tree, not worth paying for on a usage error.
  const newman = require('newman') as Newman;
  return new Promise((resolve, reject) => {
    newman.run(options, (error, summary) => (error ? reject(error) : resolve(summary)));
  });
}

/** `Folder / Request: assertion — message`, one line per failure, for a quick read after the table. */
function describeFailure(failure: NewmanFailure): string {
  const request = [failure.parent?.name, failure.source?.name].filter(Boolean).join(' / ') || '(collection)';
  const { name, test, message } = failure.error;
  if (name === 'AssertionError') {
    const assertion = test ?? message ?? '(unnamed assertion)';
    // Legacy `tests["..."] = false` assertions all say "expected false to be truthy", which
    // adds nothing to their name; pm.test ones explain why, so their message is kept.
    const why = message && message !== assertion && !LEGACY_FAILURE.test(message) ? ` — ${message}` : '';
    return `${request}: ${assertion}${why}`;
  }
  return `${request}: ${name ?? 'Error'} at ${failure.at ?? 'unknown'} — ${message ?? ''}`;
}

/** `[--processes N] [collection.json]` */
function parseArguments(args: string[]): { collection: string | undefined; processes: number | undefined } {
  let collection: string | undefined;
  let processes: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = arg === '--processes' ? args[++i] : arg.startsWith('--processes=') ? arg.slice(12) : undefined;
    if (value !== undefined) {
      processes = Number(value);
      if (!Number.isInteger(processes) || processes < 2 || processes > 16)
        fail(`--processes must be an integer from 2 to 16 (got "${value ?? ''}")`);
    } else if (arg.startsWith('-'))
      fail(`unknown option ${arg}; usage: npm run conformance -- [--processes N] [collection.json]`);
    else collection = arg;
  }
  return { collection, processes };
}

async function main(): Promise<number> {
  const args = parseArguments(process.argv.slice(2));
  const collection = await collectionPath(args.collection);
  if (args.processes) return runAgainstProcesses(collection, args.processes);
  const { adminUrl } = prepareEnvironment();
  // Its own environment (prepareEnvironment), without `.env`: not the process-wide getConfig().
  const config = loadConfig(process.env);

  if (adminUrl) {
    await recreateOwnedDatabase(adminUrl, 'conformance');
    // A transaction pooler cannot carry the app's statement_timeout: the database gives it.
    if (config.databasePooler !== 'none') await setDatabaseStatementTimeout(adminUrl, config.dbStatementTimeoutMs);
  }
  let started: Bootstrapped | undefined;
  let server: Server | undefined;
  const cleanUp = async () => {
    if (server) await closeServer(server);
    await started?.close();
    if (adminUrl) await dropOwnedDatabase(adminUrl);
  };
  // Ctrl-C mid-run still stops the embedded database and releases the server's connections.
  process.once('SIGINT', () => {
    void cleanUp().finally(() => process.exit(130));
  });

  try {
    const booted = await bootstrap({ config, migrate: true, app: true });
    started = booted;
    const { database, app } = booted;
    server = createServer(app.callback());
    const port = await listen(server);

    const apiUrl = `http://127.0.0.1:${port}/api`;
    const { username, email } = freshUser();
    console.log(`conformance: ${path.relative(process.cwd(), collection)} against ${apiUrl}`);
    console.log(`conformance: database ${database.description}; user ${username}`);

    return await runSuite(collection, apiUrl, username, email);
  } finally {
    await cleanUp();
  }
}

/** Runs newman against `apiUrl` and prints its outcome; 0 when every assertion passed. */
async function runSuite(collection: string, apiUrl: string, username: string, email: string): Promise<number> {
  const summary = await runNewman({
    collection,
    reporters: ['cli'],
    // The collection logs nothing itself; the sandbox's console lines are only deprecation
    // notices about its legacy `tests[...]` style, two per request.
    reporter: { cli: { noConsole: true } },
    globalVar: [
      { key: 'APIURL', value: apiUrl },
      { key: 'USERNAME', value: username },
      { key: 'EMAIL', value: email },
      { key: 'PASSWORD', value: PASSWORD },
    ],
    // A hung route fails its request instead of hanging the run.
    timeoutRequest: 30_000,
  });

  const { total, failed, pending = 0 } = summary.run.stats.assertions;
  const failures = summary.run.failures;
  if (failures.length > 0) {
    console.log(`conformance: ${failures.length} failure(s):`);
    for (const failure of failures) console.log(`  - ${describeFailure(failure)}`);
  }
  const skipped = pending > 0 ? `, ${pending} skipped` : '';
  console.log(`conformance: ${total - failed - pending} assertions passed, ${failed} failed${skipped}`);
  if (summary.run.error) console.error('conformance: the run aborted:', summary.run.error);
  return failed > 0 || failures.length > 0 || summary.run.error ? 1 : 0;
}

/** A server process of the `--processes` run, its warnings and errors echoed with its number. */
interface ServerChild {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Resolves with the port once the server serves the app; rejects if it exits first. */
  ready: Promise<number>;
}

function startServer(number: number, env: NodeJS.ProcessEnv): ServerChild {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'server.js')], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<number>((resolve, reject) => {
    let port: number | undefined;
    let partial = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        let entry: { level?: number; msg?: string; port?: number };
        try {
          entry = JSON.parse(line);
        } catch {
          console.log(`[server ${number}] ${line}`);
          continue;
        }
        if (entry.msg?.startsWith('listening')) port = entry.port;
        if (entry.msg === 'ready' && port) resolve(port);
        // Request lines would bury newman's report; warnings and errors still show.
        if ((entry.level ?? 0) >= 40) console.log(`[server ${number}] ${line}`);
      }
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => process.stderr.write(`[server ${number}] ${chunk}`));
    void exited.then((code) => reject(new Error(`server ${number} exited (code ${code}) before it was ready`)));
  });
  ready.catch(() => undefined);
  return { child, exited, ready };
}

/** SIGTERM, then the exit code (SIGKILL and null after 15 s). */
async function stopServer(server: ServerChild): Promise<number | null> {
  if (server.child.exitCode !== null) return server.child.exitCode;
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 15_000);
  const code = await server.exited;
  clearTimeout(timer);
  return code;
}

/** `--processes N`: N real server processes on one fresh database, behind a round-robin proxy. */
async function runAgainstProcesses(collection: string, processes: number): Promise<number> {
  const { serverDatabaseUrl, adminUrl } = prepareEnvironment();
  if (!serverDatabaseUrl || !adminUrl)
    fail(
      '--processes needs a PostgreSQL server: set CONFORMANCE_DATABASE_URL or DATABASE_URL (many processes cannot share the embedded database)',
    );
  // adminUrl: admin work (create, migrate, drop) directly on the server, never through a pooler.

  console.log('conformance: building (npm run build)');
  const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
  });
  if (build.status !== 0) fail('the build failed');

  await recreateOwnedDatabase(adminUrl, 'conformance');
  // A transaction pooler cannot carry the app's statement_timeout: the database gives it.
  const pooled = (process.env.DATABASE_POOLER ?? 'none').toLowerCase() !== 'none';
  if (pooled) await setDatabaseStatementTimeout(adminUrl, loadConfig(process.env).dbStatementTimeoutMs);
  const servers: ServerChild[] = [];
  let proxy: RoundRobinProxy | undefined;
  let cleaned: Promise<number> | undefined;
  // Resolves with 1 when a server did not stop cleanly.
  const cleanUp = () => {
    cleaned ??= (async () => {
      await proxy?.close();
      const codes = await Promise.all(servers.map(stopServer));
      await dropOwnedDatabase(adminUrl);
      const unclean = codes.map((code, i) => ({ code, i })).filter(({ code }) => code !== 0);
      for (const { code, i } of unclean)
        console.error(`conformance: server ${i + 1} exited with ${code} after SIGTERM`);
      return unclean.length > 0 ? 1 : 0;
    })();
    return cleaned;
  };
  process.once('SIGINT', () => {
    void cleanUp().finally(() => process.exit(130));
  });

  try {
    // Migrated once, here: N processes racing to apply the same migrations would fail.
    const migrated = await bootstrap({
      config: loadConfig({ ...process.env, DATABASE_URL: adminUrl }),
      migrate: true,
    });
    await migrated.close();

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: serverDatabaseUrl,
      MIGRATE_ON_START: 'false',
      WEB_CONCURRENCY: '1',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    };
    for (let i = 1; i <= processes; i++) servers.push(startServer(i, env));
    const ports = await Promise.all(servers.map((server) => server.ready));
    proxy = new RoundRobinProxy(ports);
    const port = await proxy.listen();

    const apiUrl = `http://127.0.0.1:${port}/api`;
    const { username, email } = freshUser();
    console.log(`conformance: ${path.relative(process.cwd(), collection)} against ${apiUrl}`);
    console.log(
      `conformance: ${processes} server processes (pids ${servers.map((s) => s.child.pid).join(', ')}) on ${redactUrl(serverDatabaseUrl)}; user ${username}`,
    );
    const outcome = await runSuite(collection, apiUrl, username, email);
    const counts = proxy.counts.map((count, i) => `server ${i + 1}: ${count}`).join(', ');
    console.log(`conformance: requests per process (round robin): ${counts}; unanswered ${proxy.failures}`);
    const idle = proxy.counts.some((count) => count === 0);
    if (idle) console.error('conformance: a server process got no request');
    const stopped = await cleanUp();
    return outcome !== 0 || idle || proxy.failures > 0 || stopped !== 0 ? 1 : 0;
  } finally {
    await cleanUp();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error) => {
    if (error instanceof ConfigError || error instanceof DatabaseOwnershipError) {
      console.error(`conformance: ${error.message}`);
    } else console.error('conformance: failed:', error);
    process.exit(1);
  });
