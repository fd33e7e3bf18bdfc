// First: every module after it loads through Node's compile cache (see compile-cache.ts).
import './compile-cache';
import 'reflect-metadata';
import cluster from 'node:cluster';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { bootstrap } from './bootstrap';
import { runPrimary, WORKER_CONNECTION, WORKER_DRAIN, WORKER_READY, WORKER_SLOT_ENV } from './cluster';
import { type AppConfig, ConfigError, getConfig } from './config/config';
import { DataFolderLockedError } from './db/data-folder-lock';
import { type Database, type OpenDatabaseOptions, openDatabase } from './db/database';
import { isDatabaseUnavailable, summariseDatabaseError } from './db/database-errors';
import { DatabaseStartupError, waitForDatabase } from './db/wait-for-database';
import { ConnectionDrainer } from './http/connection-drainer';
import { createHttpServer, listen, StartupError, urlOf } from './http/http-server';
import { answerNotReady } from './http/not-ready';
import type { JobRuntime } from './jobs';
import { createLogger, type Logger } from './logger';
import { exitOnUnhandledErrors } from './process-errors';
import { sizeThreadPool } from './thread-pool';

/**
 * The long-lived HTTP server: the only place that listens on a port.
 *
 * Start-up binds the port first (a taken port fails in one line before any database work),
 * answers 503 until the database is open, waits for a database that is not up yet (bounded), then
 * serves the app. SIGINT/SIGTERM drain: no new connections, requests on open ones answered with
 * `Connection: close`, exit 0 once every connection is gone (1 if the grace period ran out), the
 * ORM and the embedded database closed last.
 *
 * With WEB_CONCURRENCY=N > 1 this process is the cluster primary (src/cluster.ts) and each of its N
 * workers runs `serve()`, its log lines carrying `worker` (its slot) and `pid`.
 */
async function start(): Promise<number | undefined> {
  if (cluster.isWorker) {
    const slot = Number(process.env[WORKER_SLOT_ENV]);
    // The primary's signals: a worker sent one too, as a whole process group is by a terminal
    // (Ctrl-C) or `timeout`, leaves it to the primary, which drains it in order (WORKER_DRAIN).
    for (const signal of ['SIGINT', 'SIGHUP', 'SIGUSR2'] as const) process.on(signal, () => {});
    await serve({
      logger: (config) => createLogger(config).child({ worker: slot, pid: process.pid }),
      clusterWorker: true,
    });
    process.send?.({ type: WORKER_READY });
    return undefined;
  }
  const config = getConfig();
  if (config.webConcurrency <= 1) {
    await serve({});
    return undefined;
  }
  const logger = createLogger(config).child({ role: 'primary' });
  return runPrimary({
    config,
    logger,
    async migrate() {
      const started = await bootstrap({ config, logger: () => logger, open: openServerDatabase, migrate: true });
      await started.close();
      logger.info({ database: started.database.description }, 'migrated');
    },
  });
}

/**
 * One server. A cluster worker (`clusterWorker`) does not listen: the primary owns the port and
 * sends it each connection over IPC, then, when it retires the worker, WORKER_DRAIN (after every
 * connection it sent, as IPC keeps order).
 */
async function serve(options: { logger?: (config: AppConfig) => Logger; clusterWorker?: boolean }) {
  let handle: RequestListener = answerNotReady;
  let database: Database | undefined;
  let jobs: JobRuntime | undefined;

  const started = await bootstrap({
    logger: options.logger,
    async beforeDatabase({ config, logger, errorReporter }) {
      exitOnUnhandledErrors(logger, errorReporter);
      const server = createHttpServer(config);
      const drainer = new ConnectionDrainer(server);
      server.on('request', (request: IncomingMessage, response: ServerResponse) => handle(request, response));

      // Installed before the database opens: a signal while waiting for it still drains.
      const shutdown = onShutdownSignal(logger, async () => {
        const drained = await drainer.drain(config.shutdownGraceMs);
        if (!drained)
          logger.error({ graceMs: config.shutdownGraceMs }, 'requests still in flight at the end of the grace period');
        // Jobs in hand finish within the same grace period, or go back to the queue.
        await jobs?.stop(config.shutdownGraceMs);
        await database?.close();
        logger.info('stopped');
        return drained ? 0 : 1;
      });

      if (options.clusterWorker) {
        process.on('message', (message: { type?: string } | null, socket?: Socket) => {
          if (message?.type === WORKER_CONNECTION && socket) server.emit('connection', socket);
          else if (message?.type === WORKER_DRAIN) shutdown('the cluster primary');
        });
        return;
      }
      const address = await listen(server, config.host, config.port);
      logger.info(
        { host: address.address, port: address.port, env: config.nodeEnv },
        `listening on ${urlOf(address)}${address.address === '0.0.0.0' || address.address === '::' ? ' (all interfaces)' : ''}`,
      );
    },
    open: openServerDatabase,
    app: true,
  });
  const { config, logger, app } = started;
  database = started.database;
  handle = app.callback();
  if (config.jobs.workerInProcess) {
    // Loaded only when used, like the app: the in-process worker (JOBS_WORKER_IN_PROCESS).
    const { createJobRuntime } = await import('./jobs');
    jobs = createJobRuntime({ config, logger, orm: database.orm });
    jobs.worker.start();
  }
  logger.info(
    { database: database.description, migrated: config.migrateOnStart, jobWorker: config.jobs.workerInProcess },
    'ready',
  );
}

/** Waits (bounded) for a database server that is not up yet, then opens it. */
async function openServerDatabase(
  config: AppConfig,
  options: OpenDatabaseOptions & { logger: Logger },
): Promise<Database> {
  if (config.databaseUrl) {
    await waitForDatabase(config.databaseUrl, {
      timeoutMs: config.dbStartupTimeoutMs,
      attemptTimeoutMs: config.dbAcquireTimeoutMs,
      logger: options.logger,
    });
  }
  try {
    return await openDatabase(config, options);
  } catch (error) {
    // Reachable a moment ago, gone now: still a one-line problem, not a stack trace.
    if (isDatabaseUnavailable(error)) {
      throw new DatabaseStartupError(`lost the database while opening it: ${summariseDatabaseError(error)}`);
    }
    throw error;
  }
}

/**
 * Runs `stop` once on the first SIGINT/SIGTERM (or call of the function returned) and exits with
 * the code it returns.
 */
function onShutdownSignal(logger: Logger, stop: () => Promise<number>): (reason: string) => void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining connections');
    stop().then(
      (code) => process.exit(code),
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  return shutdown;
}

// Before start(): nothing has used libuv's thread pool yet. A cluster primary's setting is
// inherited by its workers.
sizeThreadPool();
start().then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (error) => {
    // Problems a person can fix from one line get one line; anything else keeps its stack.
    if (
      error instanceof ConfigError ||
      error instanceof StartupError ||
      error instanceof DatabaseStartupError ||
      error instanceof DataFolderLockedError
    ) {
      console.error(error.message);
    } else {
      console.error('failed to start:', error);
    }
    process.exit(1);
  },
);
