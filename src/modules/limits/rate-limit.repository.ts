import { EntityRepository } from '@mikro-orm/postgresql';
import { NamedSql } from '../../db/named-sql';
import type { RateLimitCounter } from './rate-limit-counter.entity';

/** One subject counted against one limit, whose window lasts `windowSeconds`. */
export interface CounterHit {
  limitName: string;
  subject: string;
  windowSeconds: number;
}

/** A counter after a hit: hits in the current window, and the whole seconds until it ends. */
export interface CounterState {
  limitName: string;
  subject: string;
  hits: number;
  resetSeconds: number;
}

interface CounterRow {
  limit_name: string;
  subject: string;
  hits: number;
  reset_seconds: number;
}

/**
 * The counters' SQL. Time is the database's `now()`, the one clock every process shares. No
 * statement depends on session state, so all of this works through PgBouncer in transaction mode.
 */
export class RateLimitRepository extends EntityRepository<RateLimitCounter> {
  /**
   * Counts one hit on each counter, in ONE statement, and returns them all: a counter whose
   * window has ended starts a new one at 1. Atomic per row (insert … on conflict do update), so
   * concurrent requests in any number of processes never lose a hit. Rows are upserted in
   * (limit_name, subject) order, so two requests hitting the same counters cannot deadlock.
   */
  async hit(hits: readonly CounterHit[]): Promise<CounterState[]> {
    if (hits.length === 0) return [];
    const rows = await this.getEntityManager().execute<CounterRow[]>(
      HIT.text,
      HIT.bind({
        hits: JSON.stringify(
          hits.map(({ limitName, subject, windowSeconds }) => ({
            limit_name: limitName,
            subject,
            window_seconds: windowSeconds,
          })),
        ),
      }),
    );
    return rows.map((row) => ({
      limitName: row.limit_name,
      subject: row.subject,
      hits: Number(row.hits),
      resetSeconds: Math.max(1, Number(row.reset_seconds)),
    }));
  }

  /** Forgets a counter (a successful login clears the account's failures). */
  async reset(limitName: string, subject: string): Promise<void> {
    await this.getEntityManager().execute(RESET.text, RESET.bind({ limitName, subject }));
  }

  /**
   * Deletes counters whose window has ended, at most `batch` of them (all with no batch), and
   * returns how many. A counter that is hit again is reset in place, so only subjects that stop
   * coming (one IP among millions) leave rows behind: this is what clears them.
   */
  async purgeExpired(batch?: number): Promise<number> {
    const em = this.getEntityManager();
    const result =
      batch === undefined
        ? await em.execute(PURGE_ALL.text, PURGE_ALL.bind({}), 'run')
        : await em.execute(PURGE_BATCH.text, PURGE_BATCH.bind({ batch }), 'run');
    return (result as { affectedRows?: number }).affectedRows ?? 0;
  }
}

const HIT = NamedSql.compile(
  `insert into rate_limit_counters as c (limit_name, subject, hits, window_ends_at)
   select h.limit_name, h.subject, 1, now() + make_interval(secs => h.window_seconds)
     from jsonb_to_recordset(:hits::jsonb) as h(limit_name text, subject text, window_seconds integer)
    order by h.limit_name, h.subject
   on conflict (limit_name, subject) do update
      set hits = case when c.window_ends_at <= now() then 1 else c.hits + 1 end,
          window_ends_at = case when c.window_ends_at <= now() then excluded.window_ends_at else c.window_ends_at end
   returning c.limit_name, c.subject, c.hits,
             ceil(extract(epoch from c.window_ends_at - now()))::integer as reset_seconds`,
);

const RESET = NamedSql.compile('delete from rate_limit_counters where limit_name = :limitName and subject = :subject');

const PURGE_ALL = NamedSql.compile('delete from rate_limit_counters where window_ends_at <= now()');

// ctid: the rows' physical addresses, so a batch is one index range scan and one delete.
const PURGE_BATCH = NamedSql.compile(
  `delete from rate_limit_counters
    where ctid = any(array(select ctid from rate_limit_counters where window_ends_at <= now() limit :batch))`,
);
