import 'reflect-metadata';
import { bootstrap } from './bootstrap';
import { readConfig } from './config/config';
import { createJobRuntime, type JobRuntime } from './jobs';
import type { RunSummary } from './modules/jobs/worker';
import { FLUSH_TIMEOUT_MS } from './observability/error-reporter';

/** What Lambda passes as the context (the part used here). */
export interface WorkerLambdaContext {
  getRemainingTimeInMillis?: () => number;
  callbackWaitsForEmptyEventLoop?: boolean;
}

let runtime: Promise<JobRuntime & { flush(): Promise<void> }> | undefined;

/** Database and worker once per container, as the API function does; a failed start is retried. */
function startContainer() {
  runtime ??= bootstrap({ config: readConfig({ migrateOnStart: false }) })
    .then(({ config, logger, database, errorReporter }) => {
      const jobs = createJobRuntime({ config, logger, orm: database.orm });
      return { ...jobs, flush: () => errorReporter.flush(FLUSH_TIMEOUT_MS).then(() => undefined) };
    })
    .catch((error: unknown) => {
      runtime = undefined;
      throw error;
    });
  return runtime;
}

/**
 * The `worker` Lambda function (serverless.yml: every minute, and invocable at will): drains the
 * queue (scheduled jobs such as the cleanup included), and stops claiming when the time left in
 * the invocation is less than one job's timeout plus a second.
 */
export async function handler(_event: unknown, context: WorkerLambdaContext = {}): Promise<RunSummary> {
  context.callbackWaitsForEmptyEventLoop = false;
  const jobs = await startContainer();
  const remainingMs = context.getRemainingTimeInMillis?.bind(context);
  try {
    return await jobs.worker.drain({ remainingMs });
  } finally {
    await jobs.flush();
  }
}
