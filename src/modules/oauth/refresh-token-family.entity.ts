import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { User } from '../users/user.entity';

/**
 * One login's chain of refresh tokens: the password grant starts a family, each refresh rotates
 * to a new token in it. Revocation is per family (`revoked_at`): a reused token, RFC 7009
 * revocation and a password change each revoke whole families, and a refresh locks its family's
 * row, so a token minted by a refresh racing a revocation is revoked with its family.
 */
@Entity({ tableName: 'oauth_refresh_token_families' })
@Index({ name: 'oauth_refresh_token_families_user_id_index', properties: ['user'] })
export class RefreshTokenFamily {
  [OptionalProps]?: 'clientId' | 'scope' | 'createdAt' | 'revokedAt';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne({ entity: () => User, deleteRule: 'cascade' })
  user!: Rel<User>;

  /** The public client the family was issued to, when it named one; refreshes must match it. */
  @Property({ type: 'text', nullable: true })
  clientId: string | null = null;

  /** The scope granted at login (space-separated), when one was asked for. */
  @Property({ type: 'text', nullable: true })
  scope: string | null = null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;
}
