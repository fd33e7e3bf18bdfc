import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { JobSettings } from '../../config/config';
import type { Logger } from '../../logger';
import { retryDelayMs } from './backoff';
import { Job } from './job.entity';
import type { ClaimedJob, JobRepository } from './job.repository';

/** What a handler gets besides its payload. */
export interface JobContext {
  job: ClaimedJob;
  /** A fresh EntityManager of its own (no transaction is open: handlers open their own). */
  em: EntityManager;
  /** Aborted when the attempt times out or the worker gives the job back at shutdown. */
  signal: AbortSignal;
  logger: Logger;
  /** The worker's clock at the claim. */
  now: Date;
}

/**
 * Runs the jobs of one name. Handlers must be idempotent: a job can run again after an attempt
 * whose effect happened but whose completion was not recorded (a crash, a lease that ran out).
 */
export interface JobHandler<P = Record<string, unknown>> {
  name: string;
  /** Longest one attempt may take; JOBS_TIMEOUT_MS when absent (never more than the lease). */
  timeoutMs?: number;
  run(payload: P, context: JobContext): Promise<void>;
}

/** A job the workers keep enqueued every `everyMs` (one waiting at a time, however many workers). */
export interface ScheduledJob {
  name: string;
  everyMs: number;
}

export interface RunSummary {
  claimed: number;
  done: number;
  /** Failed attempts queued again for a retry. */
  retried: number;
  /** Dead-lettered: failed on their last attempt. */
  failed: number;
  /** Given back unfinished at shutdown. */
  released: number;
}

export interface JobWorkerOptions {
  orm: MikroORM;
  logger: Logger;
  settings: JobSettings;
  handlers: JobHandler<never>[];
  schedules?: ScheduledJob[];
  /** The worker's time: specs move it forward instead of waiting. */
  clock?: () => Date;
  /** For the backoff's jitter. */
  random?: () => number;
  /** Names this worker in `locked_by`; host, pid and a random suffix when absent. */
  id?: string;
}

/** The abort reason of jobs given back at shutdown. */
const SHUTDOWN = new Error('the worker is shutting down');

/** How often (at most) a worker makes sure every scheduled job is enqueued. */
const SCHEDULE_CHECK_MS = 60_000;

/**
 * Claims due jobs and runs them: `runOnce` for one batch, `drain` until the queue is empty (or
 * time runs short: a Lambda invocation), `start`/`stop` for a long-lived poller (the worker
 * process, or the server's in-process worker).
 *
 * Per attempt: the handler runs with a timeout (JOBS_TIMEOUT_MS, shorter than the lease, so a job
 * never runs on two workers at once unless its worker froze); success marks it done; failure
 * queues it again after an exponential backoff with jitter, or dead-letters it (`failed`) when it
 * was the last attempt. A worker that died leaves its jobs `active`; once their lease ends, the
 * next worker queues them again (or dead-letters them).
 */
export class JobWorker {
  readonly id: string;
  private readonly handlers: Map<string, JobHandler<never>>;
  private readonly clock: () => Date;
  private readonly random: () => number;
  /** Jobs being run right now, with the controller that aborts each. */
  private readonly inHand = new Map<number, AbortController>();
  private lastScheduleCheck = Number.NEGATIVE_INFINITY;
  private polling: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: JobWorkerOptions) {
    this.id = options.id ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.handlers = new Map(options.handlers.map((handler) => [handler.name, handler]));
    this.clock = options.clock ?? (() => new Date());
    this.random = options.random ?? Math.random;
  }

  /** The names this worker can run. */
  get jobNames(): string[] {
    return [...this.handlers.keys()];
  }

  /**
   * One round: queue again jobs whose lease ran out, keep the schedules enqueued, then claim up
   * to JOBS_CONCURRENCY due jobs (or only these `ids`) and run them together.
   */
  async runOnce(options: { ids?: readonly number[] } = {}): Promise<RunSummary> {
    const { settings } = this.options;
    const summary: RunSummary = { claimed: 0, done: 0, retried: 0, failed: 0, released: 0 };
    const jobs = this.repository();
    const reclaimed = await jobs.reclaimExpired(this.clock(), settings.maxAttempts);
    if (reclaimed > 0)
      this.options.logger.warn({ jobs: reclaimed }, 'jobs whose worker stopped answering queued again');
    await this.ensureSchedules();

    const now = this.clock();
    const claimed = await jobs.claim({
      workerId: this.id,
      now,
      leaseMs: settings.leaseMs,
      limit: settings.concurrency,
      defaultMaxAttempts: settings.maxAttempts,
      ids: options.ids,
    });
    summary.claimed = claimed.length;
    const outcomes = await Promise.all(claimed.map((job) => this.run(job, now)));
    for (const outcome of outcomes) summary[outcome] += 1;
    return summary;
  }

  /**
   * Rounds until no due job is left, or until `remainingMs()` says there is no time for another
   * attempt (JOBS_TIMEOUT_MS plus a second): a Lambda invocation stops claiming before its end.
   */
  async drain(options: { remainingMs?: () => number; ids?: readonly number[] } = {}): Promise<RunSummary> {
    const total: RunSummary = { claimed: 0, done: 0, retried: 0, failed: 0, released: 0 };
    const enoughTime = () =>
      options.remainingMs === undefined || options.remainingMs() > this.options.settings.timeoutMs + 1000;
    while (!this.stopping && enoughTime()) {
      const round = await this.runOnce({ ids: options.ids });
      for (const key of Object.keys(total) as (keyof RunSummary)[]) total[key] += round[key];
      if (round.claimed === 0) break;
    }
    return total;
  }

  /** Polls until `stop`: a round at once when the last one was full, else after JOBS_POLL_INTERVAL_MS. */
  start(): void {
    if (this.polling) return;
    this.stopping = false;
    this.polling = this.poll();
  }

  /**
   * Stops claiming, lets the jobs in hand finish for up to `graceMs`, then gives back (queued
   * again, due at once) those still running, so another worker takes them without waiting for
   * their lease. Resolves when nothing is in hand any more.
   */
  async stop(graceMs: number): Promise<{ released: number }> {
    this.stopping = true;
    this.wake?.();
    const polling = this.polling;
    if (!polling) return { released: 0 };
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      polling.then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      }),
    ]);
    clearTimeout(timer);
    let released = 0;
    if (!finished) {
      const ids = [...this.inHand.keys()];
      for (const controller of this.inHand.values()) controller.abort(SHUTDOWN);
      released = await this.repository().release(ids, this.id, this.clock());
      this.options.logger.warn(
        { jobs: ids },
        'jobs still running at the end of the grace period given back to the queue',
      );
      // The aborted attempts end at once; their late completions find the jobs no longer theirs.
      await polling.catch(() => undefined);
    }
    this.polling = undefined;
    return { released };
  }

  /** Enqueues each scheduled job that has none waiting (at most once a minute per worker). */
  async ensureSchedules(): Promise<void> {
    const now = this.clock().getTime();
    if (now - this.lastScheduleCheck < SCHEDULE_CHECK_MS) return;
    this.lastScheduleCheck = now;
    const jobs = this.repository();
    for (const schedule of this.options.schedules ?? []) {
      await jobs.enqueue({
        name: schedule.name,
        payload: {},
        delayMs: schedule.everyMs,
        singleton: { key: `schedule:${schedule.name}`, onConflict: 'ignore' },
      });
    }
  }

  private async poll(): Promise<void> {
    const { logger, settings } = this.options;
    let failures = 0;
    while (!this.stopping) {
      let full = false;
      try {
        const round = await this.runOnce();
        full = round.claimed === settings.concurrency;
        if (failures > 0) logger.info('job worker reaches the database again');
        failures = 0;
      } catch (error) {
        // The database is down or restarting: one line, then keep trying, more slowly.
        if (failures === 0) logger.error({ err: error }, 'job worker cannot reach the database; retrying');
        failures += 1;
      }
      if (full || this.stopping) continue;
      const waitMs = Math.min(settings.pollIntervalMs * 2 ** Math.min(failures, 5), 30_000);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async run(job: ClaimedJob, now: Date): Promise<'done' | 'retried' | 'failed' | 'released'> {
    const { logger, settings, orm } = this.options;
    const log = logger.child({ job: job.id, jobName: job.name, attempt: job.attempt });
    const controller = new AbortController();
    this.inHand.set(job.id, controller);
    const handler = this.handlers.get(job.name);
    const timeoutMs = Math.min(handler?.timeoutMs ?? settings.timeoutMs, settings.timeoutMs);
    const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason));
    });
    // Settled either way by the race below; never an unhandled rejection.
    aborted.catch(() => undefined);
    try {
      if (!handler) throw new Error(`no handler for jobs named "${job.name}"`);
      const context = { job, em: orm.em.fork(), signal: controller.signal, logger: log, now };
      await Promise.race([handler.run(job.payload as never, context), aborted]);
      // A handler that gave up when it was aborted (and resolved) did not finish its work.
      if (controller.signal.aborted) throw controller.signal.reason;
      clearTimeout(timer);
      const completed = await this.repository().complete(job.id, this.id, this.clock());
      if (!completed) return 'released';
      log.info('job done');
      return 'done';
    } catch (error) {
      clearTimeout(timer);
      // Given back at shutdown (see stop): the queue has it again, it is not a failure.
      if (controller.signal.aborted && controller.signal.reason === SHUTDOWN) return 'released';
      const message = error instanceof Error ? error.message : String(error);
      const retryAt = new Date(
        this.clock().getTime() + retryDelayMs(job.attempt, settings.retryBaseMs, settings.retryMaxMs, this.random),
      );
      const state = await this.repository().fail({
        id: job.id,
        workerId: this.id,
        now: this.clock(),
        retryAt,
        error: message,
        defaultMaxAttempts: settings.maxAttempts,
      });
      if (state === 'failed') {
        log.error({ err: error, maxAttempts: job.maxAttempts }, 'job failed on its last attempt: dead-lettered');
        return 'failed';
      }
      if (state === 'queued') {
        log.warn({ err: message, retryAt }, 'job attempt failed; retrying later');
        return 'retried';
      }
      return 'released';
    } finally {
      this.inHand.delete(job.id);
    }
  }

  private repository(): JobRepository {
    return this.options.orm.em.fork().getRepository(Job);
  }
}
