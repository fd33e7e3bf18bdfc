// First: every module after it loads through Node's compile cache (see compile-cache.ts).
import './compile-cache';
import 'reflect-metadata';
import { bootstrap } from './bootstrap';
import { ConfigError } from './config/config';
import { DataFolderLockedError } from './db/data-folder-lock';
import { DatabaseStartupError, waitForDatabase } from './db/wait-for-database';
import { createJobRuntime } from './jobs';
import { exitOnUnhandledErrors } from './process-errors';

/**
 * `npm run worker`: a job worker process, for a server whose web processes run with
 * JOBS_WORKER_IN_PROCESS=false (or as extra workers beside them). It needs the same DATABASE_URL
 * as the web processes: the embedded database belongs to the one process that opened it, so
 * without DATABASE_URL this refuses to start when `npm start` holds the data folder (one line).
 *
 * SIGTERM/SIGINT: stops claiming, lets the jobs in hand finish for SHUTDOWN_GRACE_MS, gives back
 * the rest, then exits 0.
 */
async function main() {
  const { config, logger, database } = await bootstrap({
    beforeDatabase({ logger }) {
      exitOnUnhandledErrors(logger);
    },
    async open(config, options) {
      if (config.databaseUrl) {
        await waitForDatabase(config.databaseUrl, {
          timeoutMs: config.dbStartupTimeoutMs,
          attemptTimeoutMs: config.dbAcquireTimeoutMs,
          logger: options.logger,
        });
      }
      const { openDatabase } = await import('./db/database');
      return openDatabase(config, options);
    },
  });
  const jobs = createJobRuntime({ config, logger, orm: database.orm });
  jobs.worker.start();
  logger.info(
    {
      database: database.description,
      worker: jobs.worker.id,
      jobs: jobs.worker.jobNames,
      mail: jobs.mailer.delivering ? 'smtp' : 'log',
    },
    'job worker ready',
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'job worker stopping: finishing the jobs in hand');
    jobs
      .stop(config.shutdownGraceMs)
      .then(async ({ released }) => {
        await database.close();
        logger.info({ released }, 'job worker stopped');
        process.exit(0);
      })
      .catch((error) => {
        logger.error({ err: error }, 'job worker shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error) => {
  if (error instanceof DataFolderLockedError) {
    console.error(
      `${error.message}\nThe embedded database serves one process: \`npm start\` runs the job worker itself ` +
        '(JOBS_WORKER_IN_PROCESS, on by default). A separate worker needs DATABASE_URL (a PostgreSQL server).',
    );
  } else if (error instanceof ConfigError || error instanceof DatabaseStartupError) {
    console.error(error.message);
  } else {
    console.error('failed to start the job worker:', error);
  }
  process.exit(1);
});
