import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { IdempotencyRepository } from './idempotency.repository';

/**
 * One `Idempotency-Key` a client sent with a POST, scoped to the caller and the request path:
 * the body's fingerprint, and once the request finished, the status and JSON it was answered with
 * (replayed to every retry for 24 hours). A row without a status is a request still running.
 */
@Entity({ tableName: 'idempotency_keys', repository: () => IdempotencyRepository })
@Index({ name: 'idempotency_keys_created_at_index', properties: ['createdAt'] })
export class IdempotencyRecord {
  @PrimaryKey({ type: 'text' })
  key!: string;

  /** The caller's user id (keys are per caller; anonymous requests do not use them). */
  @PrimaryKey({ type: 'integer' })
  ownerId!: number;

  /** `POST /api/articles/how-to-x/comments`: the method and the path as requested. */
  @PrimaryKey({ type: 'text' })
  route!: string;

  /** SHA-256 of the request body as parsed, so a retry with another body is told apart. */
  @Property({ type: 'text' })
  fingerprint!: string;

  @Property({ type: 'integer', nullable: true })
  status: number | null = null;

  @Property({ type: 'text', nullable: true })
  responseBody: string | null = null;

  /** When the key was claimed: the start of its 24 hours, and of the running request's lease. */
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
