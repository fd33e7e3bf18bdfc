import { EntityRepository } from '@mikro-orm/postgresql';
import { NamedSql } from '../../db/named-sql';
import type { RefreshToken } from './refresh-token.entity';

/** A new family's first token, or a rotation's new token. */
export interface NewRefreshToken {
  id: string;
  tokenHash: string;
  expiresAt: Date;
}

/** Who a rotated token belongs to: enough to sign the access token without another statement. */
export interface RotatedGrant {
  userId: number;
  username: string;
  clientId: string | null;
  scope: string | null;
}

/** Why a presented token could not be rotated. */
export type RotationFailure = 'unknown' | 'revoked' | 'reused' | 'expired' | 'other-client' | 'wider-scope';

/** What a refresh asks for besides the token: its client, and a scope (space-separated) it may narrow to. */
export interface RotationTerms {
  clientId: string | null;
  scope: string | null;
}

interface RotatedRow {
  user_id: number;
  username: string;
  client_id: string | null;
  scope: string | null;
}

interface PresentedRow {
  rotated: boolean;
  expired: boolean;
  family_revoked: boolean;
  client_id: string | null;
  scope: string | null;
}

/** Every statement on refresh tokens and their families. Times are passed in (the service's clock). */
export class RefreshTokenRepository extends EntityRepository<RefreshToken> {
  /** Starts a family with its first token, in one statement. */
  async startFamily(
    family: { id: string; userId: number; clientId: string | null; scope: string | null },
    token: NewRefreshToken,
    now: Date,
  ): Promise<void> {
    await this.getEntityManager().execute(
      START_FAMILY.text,
      START_FAMILY.bind({
        familyId: family.id,
        userId: family.userId,
        clientId: family.clientId,
        scope: family.scope,
        tokenId: token.id,
        tokenHash: token.tokenHash,
        expiresAt: token.expiresAt.toISOString(),
        now: now.toISOString(),
      }),
      'run',
    );
  }

  /**
   * Exchanges the token with this hash for `next`, in ONE statement, if it is unexpired, not yet
   * rotated, its family not revoked, and (when `clientId` is given) issued to that client. The
   * conditional update is the arbiter: of two concurrent uses exactly one matches
   * `rotated_at is null`; the other waits for its row lock, finds it rotated, and gets null. The
   * family row is locked FOR SHARE first, so a revocation of the family (an UPDATE of that row)
   * waits for this rotation and then covers the token it created; a rotation that comes after the
   * revocation sees it. A scope wider than the family's is not rotated either (the client keeps
   * its token). Null: nothing was rotated (see `inspectFailure`).
   */
  async rotate(
    tokenHash: string,
    terms: RotationTerms,
    next: NewRefreshToken,
    now: Date,
  ): Promise<RotatedGrant | null> {
    const [row] = await this.getEntityManager().execute<RotatedRow[]>(
      ROTATE.text,
      ROTATE.bind({
        tokenHash,
        clientId: terms.clientId,
        scope: terms.scope,
        nextId: next.id,
        nextHash: next.tokenHash,
        expiresAt: next.expiresAt.toISOString(),
        now: now.toISOString(),
      }),
    );
    return row ? { userId: row.user_id, username: row.username, clientId: row.client_id, scope: row.scope } : null;
  }

  /**
   * Why the token with this hash could not be rotated, in one statement that also revokes its
   * family when it had been rotated already: a replay of a rotated token means two parties hold
   * the family (theft detection, RFC 9700 §4.14.2). Checked in this order: unknown, reused (even
   * when expired or revoked), revoked, expired, issued to another client, a wider scope.
   */
  async inspectFailure(tokenHash: string, terms: RotationTerms, now: Date): Promise<RotationFailure> {
    const [row] = await this.getEntityManager().execute<PresentedRow[]>(
      INSPECT_AND_REVOKE_REUSED.text,
      INSPECT_AND_REVOKE_REUSED.bind({ tokenHash, now: now.toISOString() }),
    );
    if (!row) return 'unknown';
    if (row.rotated) return 'reused';
    if (row.family_revoked) return 'revoked';
    if (row.expired) return 'expired';
    if (terms.clientId !== null && row.client_id !== terms.clientId) return 'other-client';
    // Stryker disable next-line ArrayDeclaration: no requested token can equal another placeholder for "none granted"
    const granted = row.scope?.split(' ') ?? [];
    if (terms.scope?.split(' ').some((token) => !granted.includes(token))) return 'wider-scope';
    // Not reached: a token that passes every condition above was rotated by `rotate`.
    return 'unknown';
  }

  /** Revokes the family of the token with this hash (RFC 7009); whether it knew the token. */
  async revokeFamilyOf(tokenHash: string, now: Date): Promise<boolean> {
    const rows = await this.getEntityManager().execute<{ known: boolean }[]>(
      REVOKE_FAMILY_OF.text,
      REVOKE_FAMILY_OF.bind({ tokenHash, now: now.toISOString() }),
    );
    return rows.length > 0;
  }

  /** Revokes every live family of a user (a password change); returns how many. */
  async revokeAllOf(userId: number, now: Date): Promise<number> {
    const result = await this.getEntityManager().execute(
      REVOKE_ALL_OF.text,
      REVOKE_ALL_OF.bind({ userId, now: now.toISOString() }),
      'run',
    );
    return (result as { affectedRows?: number }).affectedRows ?? 0;
  }

  /**
   * Deletes tokens that expired before `now`, and the families left without a live token, in
   * one statement; returns both counts. A deleted rotated token can no longer reveal a replay,
   * but it could not be used after its expiry either.
   */
  async purgeExpired(now: Date): Promise<{ tokens: number; families: number }> {
    // Always one row of two integers (counts of the CTEs).
    const [counts] = await this.getEntityManager().execute<{ tokens: number; families: number }[]>(
      PURGE_EXPIRED.text,
      PURGE_EXPIRED.bind({ now: now.toISOString() }),
    );
    return counts;
  }
}

const START_FAMILY = NamedSql.compile(
  `with family as (
     insert into oauth_refresh_token_families (id, user_id, client_id, scope, created_at)
     values (:familyId, :userId, :clientId, :scope, :now::timestamptz)
     returning id
   )
   insert into oauth_refresh_tokens (id, token_hash, family_id, created_at, expires_at)
   select :tokenId, :tokenHash, family.id, :now::timestamptz, :expiresAt::timestamptz from family`,
);

const ROTATE = NamedSql.compile(
  `with family as (
     select f.id, f.user_id, f.client_id, f.scope
       from oauth_refresh_tokens t
       join oauth_refresh_token_families f on f.id = t.family_id
      where t.token_hash = :tokenHash and f.revoked_at is null
        and (:clientId::text is null or f.client_id = :clientId::text)
        and (:scope::text is null or string_to_array(:scope::text, ' ') <@ string_to_array(coalesce(f.scope, ''), ' '))
        for share of f
   ), rotated as (
     update oauth_refresh_tokens t
        set rotated_at = :now::timestamptz, replaced_by = :nextId
       from family
      where t.token_hash = :tokenHash and t.family_id = family.id
        and t.rotated_at is null and t.expires_at > :now::timestamptz
     returning t.family_id
   ), issued as (
     insert into oauth_refresh_tokens (id, token_hash, family_id, created_at, expires_at)
     select :nextId, :nextHash, rotated.family_id, :now::timestamptz, :expiresAt::timestamptz from rotated
     returning family_id
   )
   select family.user_id, u.username, family.client_id, family.scope
     from issued
     join family on family.id = issued.family_id
     join users u on u.id = family.user_id`,
);

const INSPECT_AND_REVOKE_REUSED = NamedSql.compile(
  `with presented as (
     select t.family_id, t.rotated_at, t.expires_at, f.revoked_at, f.client_id, f.scope
       from oauth_refresh_tokens t
       join oauth_refresh_token_families f on f.id = t.family_id
      where t.token_hash = :tokenHash
   ), revoked as (
     update oauth_refresh_token_families f
        set revoked_at = :now::timestamptz
       from presented
      where f.id = presented.family_id and presented.rotated_at is not null and f.revoked_at is null
     returning f.id
   )
   select presented.rotated_at is not null as rotated, presented.scope,
          presented.expires_at <= :now::timestamptz as expired,
          presented.revoked_at is not null as family_revoked,
          presented.client_id,
          (select count(*) from revoked)::integer as revoked_now
     from presented`,
);

const REVOKE_FAMILY_OF = NamedSql.compile(
  `with presented as (
     select family_id from oauth_refresh_tokens where token_hash = :tokenHash
   ), revoked as (
     update oauth_refresh_token_families f
        set revoked_at = :now::timestamptz
       from presented
      where f.id = presented.family_id and f.revoked_at is null
     returning f.id
   )
   select true as known from presented`,
);

const REVOKE_ALL_OF = NamedSql.compile(
  `update oauth_refresh_token_families set revoked_at = :now::timestamptz
    where user_id = :userId and revoked_at is null`,
);

const PURGE_EXPIRED = NamedSql.compile(
  `with expired as (
     delete from oauth_refresh_tokens where expires_at < :now::timestamptz returning family_id
   ), emptied as (
     delete from oauth_refresh_token_families f
      where f.id in (select family_id from expired)
        and not exists (
          select 1 from oauth_refresh_tokens t where t.family_id = f.id and t.expires_at >= :now::timestamptz
        )
     returning f.id
   )
   select (select count(*) from expired)::integer as tokens, (select count(*) from emptied)::integer as families`,
);
