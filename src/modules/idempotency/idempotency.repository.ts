import { EntityRepository } from '@mikro-orm/postgresql';
import { NamedSql } from '../../db/named-sql';
import type { IdempotencyRecord } from './idempotency-record.entity';

/** Which request a key belongs to: the key, the caller (a user id) and `METHOD /path`. */
export interface IdempotencyScope {
  key: string;
  ownerId: number;
  route: string;
}

export interface StoredOutcome {
  fingerprint: string;
  status: number | null;
  responseBody: string | null;
}

export class IdempotencyRepository extends EntityRepository<IdempotencyRecord> {
  /**
   * Claims the key for a new request in ONE atomic statement: inserted when new, taken over when
   * its record expired (`ttlSeconds`) or its request has been running longer than `leaseSeconds`
   * (a process that died mid-request). True when this caller now owns it; false when another
   * request holds it or finished it (read it with `findOutcome`).
   */
  async claim(
    scope: IdempotencyScope,
    fingerprint: string,
    ttlSeconds: number,
    leaseSeconds: number,
  ): Promise<boolean> {
    const rows = await this.getEntityManager().execute<{ claimed: boolean }[]>(
      CLAIM.text,
      CLAIM.bind({ ...scope, fingerprint, ttlSeconds, leaseSeconds }),
    );
    return rows.length === 1;
  }

  async findOutcome(scope: IdempotencyScope): Promise<StoredOutcome | undefined> {
    const [row] = await this.getEntityManager().execute<
      { fingerprint: string; status: number | null; response_body: string | null }[]
    >(FIND.text, FIND.bind(scope));
    return row && { fingerprint: row.fingerprint, status: row.status, responseBody: row.response_body };
  }

  async complete(scope: IdempotencyScope, status: number, responseBody: string | null): Promise<void> {
    await this.getEntityManager().execute(COMPLETE.text, COMPLETE.bind({ ...scope, status, responseBody }));
  }

  /** Gives a key back (its request failed): the next retry runs the request again. */
  async release(scope: IdempotencyScope): Promise<void> {
    await this.getEntityManager().execute(RELEASE.text, RELEASE.bind(scope));
  }

  /** Deletes the records older than `ttlSeconds`; returns how many. */
  async purgeExpired(ttlSeconds: number): Promise<number> {
    const rows = await this.getEntityManager().execute<{ key: string }[]>(PURGE.text, PURGE.bind({ ttlSeconds }));
    return rows.length;
  }
}

const SAME_SCOPE = 'key = :key and owner_id = :ownerId and route = :route';

const CLAIM = NamedSql.compile(
  `insert into idempotency_keys (key, owner_id, route, fingerprint, created_at)
   values (:key, :ownerId, :route, :fingerprint, now())
   on conflict (key, owner_id, route) do update
      set fingerprint = excluded.fingerprint, status = null, response_body = null, created_at = now()
    where idempotency_keys.created_at < now() - make_interval(secs => :ttlSeconds)
       or (idempotency_keys.status is null and idempotency_keys.created_at < now() - make_interval(secs => :leaseSeconds))
   returning true as claimed`,
);

const FIND = NamedSql.compile(`select fingerprint, status, response_body from idempotency_keys where ${SAME_SCOPE}`);

const COMPLETE = NamedSql.compile(
  `update idempotency_keys set status = :status, response_body = :responseBody where ${SAME_SCOPE}`,
);

const RELEASE = NamedSql.compile(`delete from idempotency_keys where ${SAME_SCOPE} and status is null`);

const PURGE = NamedSql.compile(
  'delete from idempotency_keys where created_at < now() - make_interval(secs => :ttlSeconds) returning key',
);
