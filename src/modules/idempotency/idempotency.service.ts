import { createHash } from 'node:crypto';
import { Service } from 'typedi';
import { IdempotencyRepository, type IdempotencyScope } from './idempotency.repository';

/** How long a finished request's answer is replayed to retries with its key. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/**
 * How long a request may hold its key unfinished before a retry may take it over: far above the
 * longest request (statement timeout plus body limits), so only a process that died mid-request
 * loses it.
 */
export const IDEMPOTENCY_LEASE_SECONDS = 60;

/** What to do with a request that carries an `Idempotency-Key`. */
export type IdempotencyDecision =
  /** First time (or its record expired, or its owner died): run it, then `finish` or `abandon`. */
  | { kind: 'run' }
  /** Already answered: send this again, do nothing else. */
  | { kind: 'replay'; status: number; responseBody: string | null }
  /** The same key and body, still running in another request. */
  | { kind: 'in-progress' }
  /** The same key with another body: the client reused a key. */
  | { kind: 'mismatch' };

/**
 * Idempotency keys for POSTs (the IETF httpapi `Idempotency-Key` draft): a retry of a request
 * whose answer was lost gets the same answer instead of doing the work twice.
 */
@Service()
export class IdempotencyService {
  constructor(private readonly records: IdempotencyRepository) {}

  static fingerprintOf(body: unknown): string {
    return createHash('sha256')
      .update(JSON.stringify(body ?? {}))
      .digest('base64url');
  }

  async begin(scope: IdempotencyScope, fingerprint: string, attempt = 1): Promise<IdempotencyDecision> {
    if (await this.records.claim(scope, fingerprint, IDEMPOTENCY_TTL_SECONDS, IDEMPOTENCY_LEASE_SECONDS)) {
      return { kind: 'run' };
    }
    const stored = await this.records.findOutcome(scope);
    if (!stored) {
      // Released between the two statements (the other request failed): claim it once more.
      return attempt === 1 ? this.begin(scope, fingerprint, 2) : { kind: 'in-progress' };
    }
    if (stored.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (stored.status === null) return { kind: 'in-progress' };
    return { kind: 'replay', status: stored.status, responseBody: stored.responseBody };
  }

  finish(scope: IdempotencyScope, status: number, responseBody: string | null): Promise<void> {
    return this.records.complete(scope, status, responseBody);
  }

  abandon(scope: IdempotencyScope): Promise<void> {
    return this.records.release(scope);
  }

  purgeExpired(): Promise<number> {
    return this.records.purgeExpired(IDEMPOTENCY_TTL_SECONDS);
  }
}
