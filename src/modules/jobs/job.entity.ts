import {
  BigIntType,
  Entity,
  EntityRepositoryType,
  Enum,
  Index,
  OptionalProps,
  PrimaryKey,
  Property,
} from '@mikro-orm/core';
import { JobRepository } from './job.repository';

/**
 * The life of a job: `queued` (waiting for `runAt`), `active` (claimed by a worker until
 * `lockedUntil`), then `done`, or `failed` once its attempts are spent (the dead letters, kept for
 * `jobs:retry` and `jobs:purge --failed`).
 */
export const JOB_STATES = ['queued', 'active', 'done', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/**
 * One unit of deferred work, durably queued in the same database (and the same transaction) as the
 * write that caused it. Workers claim due rows with `FOR UPDATE SKIP LOCKED` (job.repository.ts).
 *
 * Partial indexes keep every worker query on a small index whatever the number of finished jobs:
 * the claim reads queued rows by `run_at`, the lease check active rows by `locked_until`, and the
 * cleanup finished rows by `finished_at`. At most one fresh (never attempted) queued job per
 * singleton key: a retry waiting for its backoff never blocks, nor is blocked by, the next one.
 */
@Entity({ tableName: 'jobs', repository: () => JobRepository })
@Index({
  name: 'jobs_queued_run_at_index',
  expression: `create index "jobs_queued_run_at_index" on "jobs" ("run_at", "id") where "state" = 'queued'`,
})
@Index({
  name: 'jobs_active_locked_until_index',
  expression: `create index "jobs_active_locked_until_index" on "jobs" ("locked_until") where "state" = 'active'`,
})
@Index({
  name: 'jobs_finished_at_index',
  expression: `create index "jobs_finished_at_index" on "jobs" ("finished_at") where "state" in ('done', 'failed')`,
})
@Index({
  name: 'jobs_fresh_singleton_key_unique',
  expression: `create unique index "jobs_fresh_singleton_key_unique" on "jobs" ("singleton_key") where "state" = 'queued' and "attempts" = 0`,
})
export class Job {
  [EntityRepositoryType]?: JobRepository;
  [OptionalProps]?:
    | 'state'
    | 'attempts'
    | 'maxAttempts'
    | 'runAt'
    | 'lockedUntil'
    | 'lockedBy'
    | 'singletonKey'
    | 'lastError'
    | 'createdAt'
    | 'finishedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  /** Which handler runs it, e.g. `mail.welcome`. */
  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Enum({ items: () => [...JOB_STATES], type: 'text', default: 'queued' })
  state: JobState = 'queued';

  /** Attempts started so far (a claim counts one). */
  @Property({ type: 'integer', default: 0 })
  attempts = 0;

  /** Attempts before dead-lettering; null: the workers' JOBS_MAX_ATTEMPTS. */
  @Property({ type: 'integer', nullable: true })
  maxAttempts: number | null = null;

  /** Not before: the first run, or the next retry after a backoff. */
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  runAt: Date = new Date();

  /** While active: the lease. A worker that has not finished by then is presumed dead. */
  @Property({ type: 'datetime', nullable: true })
  lockedUntil: Date | null = null;

  /** While active: the worker holding it. */
  @Property({ type: 'text', nullable: true })
  lockedBy: string | null = null;

  /** At most one fresh queued job per key (a throttled, batched or scheduled job). */
  @Property({ type: 'text', nullable: true })
  singletonKey: string | null = null;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  finishedAt: Date | null = null;
}
