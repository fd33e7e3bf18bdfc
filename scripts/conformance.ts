import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Bootstrapped, bootstrap } from '../src/bootstrap';
import { ConfigError, loadConfig } from '../src/config/config';
import {
  DatabaseOwnershipError,
  dropOwnedDatabase,
  recreateOwnedDatabase,
  setDatabaseStatementTimeout,
  withDatabaseName,
} from '../src/db/server-databases';
import { CollectionUnavailableError, resolveCollection } from './realworld-collection';

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
function prepareEnvironment(): { adminUrl: string | undefined } {
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
  return { adminUrl: directDatabaseUrl ?? serverDatabaseUrl };
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

async function main(): Promise<number> {
  const collection = await collectionPath(process.argv[2]);
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
