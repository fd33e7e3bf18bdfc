import 'reflect-metadata';
import { bootstrap } from './bootstrap';
import { readConfig } from './config/config';
import { createJobRuntime, type JobRuntime } from './jobs';
import type { RunSummary } from './modules/jobs/worker';
import { type ErrorReporter, FLUSH_TIMEOUT_MS, noopErrorReporter } from './observability/error-reporter';
import { failOnUnhandledRejections } from './process-errors';

/** What Lambda passes as the context (the part used here). */
export interface WorkerLambdaContext {
  getRemainingTimeInMillis?: () => number;
  callbackWaitsForEmptyEventLoop?: boolean;
}

export type WorkerLambdaHandler = (event: unknown, context?: WorkerLambdaContext) => Promise<RunSummary>;

interface WorkerContainer {
  jobs: JobRuntime;
  errorReporter: ErrorReporter;
}

/**
 * The `worker` function (serverless.yml: every minute, and invocable at will): drains the queue,
 * scheduled jobs such as the cleanup included, and stops claiming when less than one job's
 * timeout (JOBS_TIMEOUT_MS) plus a second is left of the invocation. The runtime is built once per
 * container by `load` (a failed start is tried again by the next invocation).
 */
export function createWorkerHandler(load: () => Promise<WorkerContainer>): WorkerLambdaHandler {
  let container: Promise<WorkerContainer> | undefined;
  return async (_event, context = {}) => {
    // The ORM pool keeps sockets open; the invocation must not wait for them to close.
    context.callbackWaitsForEmptyEventLoop = false;
    container ??= load().catch((error: unknown) => {
      container = undefined;
      throw error;
    });
    const { jobs, errorReporter } = await container;
    const remainingMs = context.getRemainingTimeInMillis?.bind(context);
    try {
      return await jobs.worker.drain({ remainingMs });
    } catch (error) {
      errorReporter.capture(error, { source: 'lambda' });
      throw error;
    } finally {
      // AWS freezes the container when the invocation returns: reports must leave first.
      if (errorReporter.enabled) await errorReporter.flush(FLUSH_TIMEOUT_MS);
    }
  };
}

let watchingRejections = false;

async function startContainer(): Promise<WorkerContainer> {
  const { config, logger, database, errorReporter } = await bootstrap({
    config: readConfig({ migrateOnStart: false }),
    beforeDatabase({ logger }) {
      if (!watchingRejections) failOnUnhandledRejections(logger);
      watchingRejections = true;
    },
  });
  logger.info({ database: database.description }, 'lambda worker container ready');
  return {
    jobs: createJobRuntime({ config, logger, orm: database.orm }),
    errorReporter: errorReporter ?? noopErrorReporter,
  };
}

/** The deployed handler (`dist/lambda/worker.handler`, bundled from this file by `npm run bundle`). */
export const handler: WorkerLambdaHandler = createWorkerHandler(startContainer);
