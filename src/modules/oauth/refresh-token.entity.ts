import {
  Entity,
  EntityRepositoryType,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Rel,
  Unique,
} from '@mikro-orm/core';
import { RefreshTokenRepository } from './refresh-token.repository';
import { RefreshTokenFamily } from './refresh-token-family.entity';

/**
 * One refresh token, stored as the SHA-256 of its 256 random bits (never the token itself).
 * `rotated_at` / `replaced_by` are set when it is exchanged: a second use of a rotated token is a
 * replay, and revokes the family. The expiry index serves the purge.
 */
@Entity({ tableName: 'oauth_refresh_tokens', repository: () => RefreshTokenRepository })
@Index({ name: 'oauth_refresh_tokens_family_id_index', properties: ['family'] })
@Index({ name: 'oauth_refresh_tokens_expires_at_index', properties: ['expiresAt'] })
export class RefreshToken {
  [EntityRepositoryType]?: RefreshTokenRepository;
  [OptionalProps]?: 'createdAt' | 'rotatedAt' | 'replacedBy';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  /** Hex SHA-256 of the token; the unique index is the lookup. */
  @Unique({ name: 'oauth_refresh_tokens_token_hash_unique' })
  @Property({ type: 'text', hidden: true })
  tokenHash!: string;

  @ManyToOne({ entity: () => RefreshTokenFamily, deleteRule: 'cascade' })
  family!: Rel<RefreshTokenFamily>;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  rotatedAt: Date | null = null;

  /** The token it was exchanged for (no foreign key: the purge deletes tokens in any order). */
  @Property({ type: 'uuid', nullable: true })
  replacedBy: string | null = null;
}
