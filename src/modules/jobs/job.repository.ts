import { EntityRepository } from '@mikro-orm/postgresql';
import { NamedSql } from '../../db/named-sql';
import type { Job, JobState } from './job.entity';

/** What a caller asks to run later. */
export interface JobRequest {
  name: string;
  payload: Record<string, unknown>;
  /** Attempts before it is dead-lettered; the workers' JOBS_MAX_ATTEMPTS when absent. */
  maxAttempts?: number;
  /** Run no sooner than this many milliseconds from now (database time). */
  delayMs?: number;
  /**
   * At most one fresh queued job with this key. A second request while one waits adds nothing
   * (`ignore`), or appends its `payload.items` to the waiting job's (`batch`).
   */
  singleton?: { key: string; onConflict: 'ignore' | 'batch' };
}

/** A job a worker holds (claimed, not yet finished). */
export interface ClaimedJob {
  id: number;
  name: string;
  payload: Record<string, unknown>;
  /** This attempt's number, from 1. */
  attempt: number;
  maxAttempts: number;
}

/** One row of `jobs:list`. */
export interface JobSummary {
  id: number;
  name: string;
  state: JobState;
  attempts: number;
  /** Null: the workers' JOBS_MAX_ATTEMPTS. */
  maxAttempts: number | null;
  runAt: Date;
  finishedAt: Date | null;
  lastError: string | null;
}

/**
 * Every statement of the queue. Each is one statement in its own transaction, except `enqueue`,
 * which runs in the caller's (the EntityManager this repository came from): a job exists exactly
 * when the write that caused it was committed. No statement holds a lock across network work,
 * and none needs session state (advisory locks, LISTEN, prepared statements), so the queue works
 * through PgBouncer in transaction mode and on the embedded PGlite alike.
 */
export class JobRepository extends EntityRepository<Job> {
  /**
   * The id of the queued job; for a batched singleton that was already waiting, that job's id;
   * undefined for an ignored singleton (one was waiting).
   */
  async enqueue(request: JobRequest): Promise<number | undefined> {
    const statement = ENQUEUE(request.singleton?.onConflict ?? 'none');
    const rows = await this.getEntityManager().execute<{ id: string | number }[]>(
      statement.text,
      statement.bind({
        name: request.name,
        payload: JSON.stringify(request.payload),
        maxAttempts: request.maxAttempts ?? null,
        delayMs: request.delayMs ?? 0,
        singletonKey: request.singleton?.key ?? null,
      }),
    );
    return rows[0] === undefined ? undefined : Number(rows[0].id);
  }

  /**
   * Takes up to `limit` due jobs for `workerId` until `now + leaseMs`, oldest due first. SKIP
   * LOCKED: workers claiming at once each get other rows, none waits for another.
   */
  async claim(options: ClaimOptions): Promise<ClaimedJob[]> {
    const { text, values } = claimQuery(options);
    const rows = await this.getEntityManager().execute<ClaimedRow[]>(text, values);
    return rows.map((row) => ({
      id: Number(row.id),
      name: row.name,
      payload: row.payload,
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
    }));
  }

  /** Marks a job done, if `workerId` still holds it. */
  async complete(id: number, workerId: string, now: Date): Promise<boolean> {
    const rows = await this.getEntityManager().execute<unknown[]>(
      COMPLETE.text,
      COMPLETE.bind({ id, workerId, now: now.toISOString() }),
    );
    return rows.length === 1;
  }

  /**
   * A failed attempt: queued again at `retryAt`, or dead-lettered (`failed`) when it was the
   * last. Returns the new state, or undefined when `workerId` no longer held the job.
   */
  async fail(options: {
    id: number;
    workerId: string;
    now: Date;
    retryAt: Date;
    error: string;
    defaultMaxAttempts: number;
  }): Promise<JobState | undefined> {
    const rows = await this.getEntityManager().execute<{ state: JobState }[]>(
      FAIL.text,
      FAIL.bind({
        id: options.id,
        workerId: options.workerId,
        now: options.now.toISOString(),
        retryAt: options.retryAt.toISOString(),
        error: options.error.slice(0, 2000),
        defaultMaxAttempts: options.defaultMaxAttempts,
      }),
    );
    return rows[0]?.state;
  }

  /** Gives jobs back unfinished (a worker shutting down): queued again, due at once. */
  async release(ids: readonly number[], workerId: string, now: Date): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await this.getEntityManager().execute<unknown[]>(
      RELEASE.text,
      RELEASE.bind({ ids: JSON.stringify(ids), workerId, now: now.toISOString() }),
    );
    return rows.length;
  }

  /**
   * Active jobs whose lease ran out (their worker died or hung): queued again at once, or
   * dead-lettered when that was their last attempt. Returns how many.
   */
  async reclaimExpired(now: Date, defaultMaxAttempts: number): Promise<number> {
    const rows = await this.getEntityManager().execute<unknown[]>(
      RECLAIM_EXPIRED.text,
      RECLAIM_EXPIRED.bind({ now: now.toISOString(), defaultMaxAttempts }),
    );
    return rows.length;
  }

  /** Newest first, optionally of one state. */
  async list(options: { state?: JobState; limit: number }): Promise<JobSummary[]> {
    const statement = LIST(options.state !== undefined);
    const rows = await this.getEntityManager().execute<SummaryRow[]>(
      statement.text,
      statement.bind({ state: options.state ?? null, limit: options.limit }),
    );
    return rows.map((row) => ({
      id: Number(row.id),
      name: row.name,
      state: row.state,
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
      runAt: new Date(row.run_at),
      finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
      lastError: row.last_error,
    }));
  }

  /**
   * A dead-lettered job queued again, due now, with as many attempts again as it had. Only
   * `failed` jobs are retried; otherwise the state the job is in (none for an unknown id).
   */
  async retry(
    id: number,
    now: Date,
    defaultMaxAttempts: number,
  ): Promise<{ retried: true } | { retried: false; state: JobState | undefined }> {
    const em = this.getEntityManager();
    const retried = await em.execute<unknown[]>(
      RETRY.text,
      RETRY.bind({ id, now: now.toISOString(), defaultMaxAttempts }),
    );
    if (retried.length === 1) return { retried: true };
    const rows = await em.execute<{ state: JobState }[]>(STATE_OF.text, STATE_OF.bind({ id }));
    return { retried: false, state: rows[0]?.state };
  }

  /** Deletes jobs in a finished state that finished before `before`. Returns how many. */
  async deleteFinished(state: 'done' | 'failed', before: Date): Promise<number> {
    const rows = await this.getEntityManager().execute<unknown[]>(
      DELETE_FINISHED.text,
      DELETE_FINISHED.bind({ state, before: before.toISOString() }),
    );
    return rows.length;
  }
}

export interface ClaimOptions {
  workerId: string;
  now: Date;
  leaseMs: number;
  limit: number;
  defaultMaxAttempts: number;
  /** Only these jobs (`jobs:run --id`). */
  ids?: readonly number[];
}

/** The claim statement as sent (a spec EXPLAINs it). */
export function claimQuery(options: ClaimOptions): { text: string; values: unknown[] } {
  const statement = CLAIM(options.ids !== undefined);
  return {
    text: statement.text,
    values: statement.bind({
      workerId: options.workerId,
      now: options.now.toISOString(),
      leaseMs: options.leaseMs,
      limit: options.limit,
      defaultMaxAttempts: options.defaultMaxAttempts,
      ids: JSON.stringify(options.ids ?? []),
    }),
  };
}

interface ClaimedRow {
  id: string | number;
  name: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
}

interface SummaryRow {
  id: string | number;
  name: string;
  state: JobState;
  attempts: number;
  max_attempts: number | null;
  run_at: string | Date;
  finished_at: string | Date | null;
  last_error: string | null;
}

/** Conflicts are only with the partial unique index `jobs_fresh_singleton_key_unique`. */
const ENQUEUE = NamedSql.cache(
  (onConflict: 'none' | 'ignore' | 'batch') =>
    `insert into jobs (name, payload, max_attempts, run_at, singleton_key)
     values (:name, :payload::jsonb, :maxAttempts, now() + :delayMs * interval '1 millisecond', :singletonKey)
     ${
       onConflict === 'none'
         ? ''
         : `on conflict (singleton_key) where state = 'queued' and attempts = 0 do ${
             onConflict === 'ignore'
               ? 'nothing'
               : `update set payload = jsonb_set(jobs.payload, '{items}',
                    coalesce(jobs.payload -> 'items', '[]'::jsonb) || coalesce(excluded.payload -> 'items', '[]'::jsonb))`
           }`
     }
     returning id`,
);

/** Served by `jobs_queued_run_at_index` (spec/integration/jobs-queue.spec.ts EXPLAINs it). */
const CLAIM = NamedSql.cache(
  (byId: boolean) =>
    `update jobs j
        set state = 'active', attempts = j.attempts + 1, locked_by = :workerId,
            locked_until = :now::timestamptz + :leaseMs * interval '1 millisecond'
       from (select id from jobs
              where state = 'queued' and run_at <= :now::timestamptz
              ${byId ? 'and id in (select jsonb_array_elements_text(:ids::jsonb)::bigint)' : ''}
              order by run_at, id
              limit :limit
              for update skip locked) due
      where j.id = due.id
  returning j.id, j.name, j.payload, j.attempts, coalesce(j.max_attempts, :defaultMaxAttempts) as max_attempts`,
);

const COMPLETE = NamedSql.compile(
  `update jobs set state = 'done', finished_at = :now::timestamptz, locked_by = null, locked_until = null
    where id = :id and state = 'active' and locked_by = :workerId
  returning id`,
);

const FAIL = NamedSql.compile(
  `update jobs
      set state = case when attempts >= coalesce(max_attempts, :defaultMaxAttempts) then 'failed' else 'queued' end,
          run_at = case when attempts >= coalesce(max_attempts, :defaultMaxAttempts) then run_at else :retryAt::timestamptz end,
          finished_at = case when attempts >= coalesce(max_attempts, :defaultMaxAttempts) then :now::timestamptz end,
          last_error = :error, locked_by = null, locked_until = null
    where id = :id and state = 'active' and locked_by = :workerId
  returning state`,
);

const RELEASE = NamedSql.compile(
  `update jobs set state = 'queued', run_at = :now::timestamptz, locked_by = null, locked_until = null
    where id in (select jsonb_array_elements_text(:ids::jsonb)::bigint) and state = 'active' and locked_by = :workerId
  returning id`,
);

/** Served by `jobs_active_locked_until_index`. */
const RECLAIM_EXPIRED = NamedSql.compile(
  `update jobs
      set state = case when attempts >= coalesce(max_attempts, :defaultMaxAttempts) then 'failed' else 'queued' end,
          run_at = :now::timestamptz,
          finished_at = case when attempts >= coalesce(max_attempts, :defaultMaxAttempts) then :now::timestamptz end,
          last_error = 'lease expired: the worker holding the job stopped before finishing it',
          locked_by = null, locked_until = null
    where state = 'active' and locked_until < :now::timestamptz
  returning id`,
);

const LIST = NamedSql.cache(
  (byState: boolean) =>
    `select id, name, state, attempts, max_attempts, run_at, finished_at, last_error
       from jobs ${byState ? 'where state = :state' : ''}
      order by id desc limit :limit`,
);

const RETRY = NamedSql.compile(
  `update jobs
      set state = 'queued', run_at = :now::timestamptz, max_attempts = attempts + coalesce(max_attempts, :defaultMaxAttempts), finished_at = null
    where id = :id and state = 'failed'
  returning id`,
);

const STATE_OF = NamedSql.compile('select state from jobs where id = :id');

/** Served by `jobs_finished_at_index`. */
const DELETE_FINISHED = NamedSql.compile(
  `delete from jobs where state = :state and finished_at < :before::timestamptz returning id`,
);
