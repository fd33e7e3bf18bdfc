import { Entity, EntityRepositoryType, Index, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { RateLimitRepository } from './rate-limit.repository';

/**
 * One fixed window of one limit for one subject (a client IP, an account): `hits` so far and when
 * the window ends. Written only by the repository's single-statement upsert, so every process and
 * Lambda container counts in the same row. `subject` is a SHA-256 of the IP or account name: the
 * table holds no e-mail addresses. The window index serves the purge of expired rows.
 */
@Entity({ tableName: 'rate_limit_counters', repository: () => RateLimitRepository })
@Index({ name: 'rate_limit_counters_window_ends_at_index', properties: ['windowEndsAt'] })
export class RateLimitCounter {
  [EntityRepositoryType]?: RateLimitRepository;
  [PrimaryKeyProp]?: ['limitName', 'subject'];

  @PrimaryKey({ type: 'text' })
  limitName!: string;

  @PrimaryKey({ type: 'text' })
  subject!: string;

  @Property({ type: 'integer' })
  hits!: number;

  @Property({ type: 'datetime' })
  windowEndsAt!: Date;
}
