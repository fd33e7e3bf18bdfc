import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { AppConfig } from './config/config';
import type { Logger } from './logger';
import type { IdempotencyRepository } from './modules/idempotency/idempotency.repository';
import { IDEMPOTENCY_TTL_SECONDS } from './modules/idempotency/idempotency.service';
import { IdempotencyRecord } from './modules/idempotency/idempotency-record.entity';
import { CLEANUP, type CleanupTask, cleanupHandler, finishedJobsCleanup } from './modules/jobs/cleanup';
import { JobWorker, type JobWorkerOptions } from './modules/jobs/worker';
import type { RateLimitRepository } from './modules/limits/rate-limit.repository';
import { RateLimitCounter } from './modules/limits/rate-limit-counter.entity';
import { MailOutbox, mailDeliveriesCleanup } from './modules/mail/mail-outbox';
import { createMailer, type Mailer } from './modules/mail/mailer';
import { commentsMailHandler, welcomeMailHandler } from './modules/notifications/notification-jobs';
import { RefreshToken } from './modules/oauth/refresh-token.entity';
import type { RefreshTokenRepository } from './modules/oauth/refresh-token.repository';

/**
 * What the scheduled cleanup deletes, in order. A new kind of expiring data (refresh tokens, say)
 * is one more entry here.
 */
export function cleanupTasks(config: AppConfig): CleanupTask[] {
  return [
    finishedJobsCleanup(config.jobs.retentionDays),
    mailDeliveriesCleanup(config.jobs.retentionDays),
    {
      name: 'expired refresh tokens, rate-limit windows and idempotency keys',
      async run(em, now) {
        const purged = await purgeExpired(em, now);
        return purged.refreshTokens + purged.rateLimitCounters + purged.idempotencyKeys;
      },
    },
  ];
}

/** What one purge deleted. */
export interface PurgeReport {
  refreshTokens: number;
  refreshTokenFamilies: number;
  rateLimitCounters: number;
  idempotencyKeys: number;
}

/**
 * Deletes what has expired: refresh tokens past their expiry (and the logins they leave without
 * a token), rate-limit windows that have ended, and Idempotency-Key records older than 24 hours. Safe at any time, from any number of
 * processes: it deletes only rows no request can use any more. For a scheduled job as for the CLI.
 */
export async function purgeExpired(em: EntityManager, now = new Date()): Promise<PurgeReport> {
  const refreshTokens = em.getRepository(RefreshToken) as RefreshTokenRepository;
  const counters = em.getRepository(RateLimitCounter) as RateLimitRepository;
  const tokens = await refreshTokens.purgeExpired(now);
  const rateLimitCounters = await counters.purgeExpired();
  const idempotencyKeys = await (em.getRepository(IdempotencyRecord) as IdempotencyRepository).purgeExpired(
    IDEMPOTENCY_TTL_SECONDS,
  );
  return { refreshTokens: tokens.tokens, refreshTokenFamilies: tokens.families, rateLimitCounters, idempotencyKeys };
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
