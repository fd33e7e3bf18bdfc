import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppConfig } from './config/config';
import type { Logger } from './logger';
import { CLEANUP, type CleanupTask, cleanupHandler, finishedJobsCleanup } from './modules/jobs/cleanup';
import { JobWorker, type JobWorkerOptions } from './modules/jobs/worker';
import { MailOutbox, mailDeliveriesCleanup } from './modules/mail/mail-outbox';
import { createMailer, type Mailer } from './modules/mail/mailer';
import { commentsMailHandler, welcomeMailHandler } from './modules/notifications/notification-jobs';

/**
 * What the scheduled cleanup deletes, in order. A new kind of expiring data (refresh tokens, say)
 * is one more entry here.
 */
export function cleanupTasks(config: AppConfig): CleanupTask[] {
  return [finishedJobsCleanup(config.jobs.retentionDays), mailDeliveriesCleanup(config.jobs.retentionDays)];
}

export interface JobRuntime {
  worker: JobWorker;
  mailer: Mailer;
  /** Stops the worker (see JobWorker.stop) and closes the mailer. */
  stop(graceMs: number): Promise<{ released: number }>;
}

/**
 * The composition root of the job side: every handler and schedule, wired to their mailer. The
 * worker process, the server's in-process worker, the Lambda worker function, the CLI and the
 * specs all build their worker here.
 */
export function createJobRuntime(deps: {
  config: AppConfig;
  logger: Logger;
  orm: MikroORM;
  /** The specs' clock and jitter, or a mailer of their own. */
  overrides?: Partial<Pick<JobWorkerOptions, 'clock' | 'random' | 'id'>> & { mailer?: Mailer };
}): JobRuntime {
  const { config, logger, orm, overrides = {} } = deps;
  const mailer = overrides.mailer ?? createMailer(config.mail, logger);
  const outbox = new MailOutbox(mailer);
  const worker = new JobWorker({
    orm,
    logger: logger.child({ component: 'jobs' }),
    settings: config.jobs,
    handlers: [welcomeMailHandler(outbox), commentsMailHandler(outbox), cleanupHandler(cleanupTasks(config))],
    schedules: [{ name: CLEANUP, everyMs: config.jobs.cleanupIntervalMs }],
    clock: overrides.clock,
    random: overrides.random,
    id: overrides.id,
  });
  return {
    worker,
    mailer,
    async stop(graceMs) {
      const stopped = await worker.stop(graceMs);
      mailer.close();
      return stopped;
    },
  };
}
