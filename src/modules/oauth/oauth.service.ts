import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Service } from 'typedi';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/tokens';
import { OAuthRefusal, Unauthenticated } from '../../domain/errors';
import { TokenService } from '../users/token.service';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { RefreshTokenRepository, type RotationFailure } from './refresh-token.repository';
import type { RevocationRequest, TokenRequest } from './token-request';

/** RFC 6749 §5.1's successful response. */
export interface TokenGrant {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope?: string;
}

/** Why each failed rotation is an `invalid_grant`, in words a client developer can act on. */
const ROTATION_FAILURES: Record<RotationFailure, string> = {
  unknown: 'refresh token is invalid',
  revoked: 'refresh token has been revoked',
  reused: 'refresh token was already used; every token of its login has been revoked',
  expired: 'refresh token has expired',
  'other-client': 'refresh token was issued to another client',
  'wider-scope': 'a refresh cannot ask for a scope the login was not granted',
};

/**
 * The OAuth 2.0 authorization server for first-party clients: the resource owner password grant
 * and the refresh token grant (RFC 6749 §4.3, §6), with refresh-token rotation and reuse
 * detection, and revocation (RFC 7009). Access tokens are the API's own JWTs (TokenService), so
 * every protected route accepts them; only their lifetime differs (OAUTH_ACCESS_TOKEN_TTL).
 *
 * Refresh tokens are 256 random bits, stored as SHA-256 hashes. A slow password hash (argon2)
 * would add nothing: it protects low-entropy secrets against guessing, and 2^256 possibilities
 * cannot be guessed whatever the hash costs; a fast hash keeps the lookup one indexed equality.
 */
@Service()
export class OAuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly refreshTokens: RefreshTokenRepository,
  ) {}

  /** Checks the client against OAUTH_CLIENT_IDS, when the deployment lists its clients. */
  checkClient(clientId: string | null): void {
    const known = this.config.oauth.clientIds;
    if (known === undefined) return;
    if (clientId === null) throw new OAuthRefusal('invalid_client', 'client_id is required');
    if (!known.includes(clientId)) throw new OAuthRefusal('invalid_client', 'unknown client');
  }

  grant(request: TokenRequest): Promise<TokenGrant> {
    this.checkClient(request.clientId);
    return request.grantType === 'password' ? this.passwordGrant(request) : this.refreshGrant(request);
  }

  /** `username` is a username or an e-mail address (usernames cannot contain `@`). */
  private async passwordGrant(request: Extract<TokenRequest, { grantType: 'password' }>): Promise<TokenGrant> {
    let user: User;
    try {
      user = request.username.includes('@')
        ? await this.users.authenticate({ email: request.username, password: request.password })
        : await this.users.authenticateByUsername(request.username, request.password);
    } catch (error) {
      if (error instanceof Unauthenticated) throw new OAuthRefusal('invalid_grant', 'username or password is invalid');
      throw error;
    }
    const now = this.now();
    const refresh = this.newRefreshToken(now);
    // Stryker disable next-line StringLiteral: with one supported scope, a request names at most one token
    const scope = request.scope?.join(' ') ?? null;
    await this.refreshTokens.startFamily(
      { id: randomUUID(), userId: user.id, clientId: request.clientId, scope },
      refresh.stored,
      now,
    );
    return this.response(user, refresh.token, scope);
  }

  private async refreshGrant(request: Extract<TokenRequest, { grantType: 'refresh_token' }>): Promise<TokenGrant> {
    const now = this.now();
    const presented = hashToken(request.refreshToken);
    const next = this.newRefreshToken(now);
    // RFC 6749 §6: a refresh may narrow the scope, never widen it (checked by the rotation itself).
    // Stryker disable next-line StringLiteral: with one supported scope, a request names at most one token
    const terms = { clientId: request.clientId, scope: request.scope?.join(' ') ?? null };
    const rotated = await this.refreshTokens.rotate(presented, terms, next.stored, now);
    if (!rotated) {
      const failure = await this.refreshTokens.inspectFailure(presented, terms, now);
      if (failure === 'wider-scope') {
        throw new OAuthRefusal('invalid_scope', 'a refresh cannot ask for a scope the login was not granted');
      }
      throw new OAuthRefusal('invalid_grant', ROTATION_FAILURES[failure]);
    }
    const scope = terms.scope ?? rotated.scope;
    return this.response({ id: rotated.userId, username: rotated.username }, next.token, scope);
  }

  /**
   * RFC 7009: revokes the refresh token's whole family. Unknown, expired or already revoked
   * tokens are answered the same (200): the client's goal is reached, and the answer tells an
   * attacker nothing. Access tokens are stateless JWTs and cannot be revoked; they expire
   * (OAUTH_ACCESS_TOKEN_TTL): presenting one is `unsupported_token_type`.
   */
  async revoke(request: RevocationRequest): Promise<void> {
    this.checkClient(request.clientId);
    const known = await this.refreshTokens.revokeFamilyOf(hashToken(request.token), this.now());
    if (!known && looksLikeJwt(request.token)) {
      throw new OAuthRefusal('unsupported_token_type', 'access tokens cannot be revoked; they expire');
    }
  }

  /** The password-change listener: every refresh token of the user stops working. */
  async revokeAllOf(userId: number): Promise<void> {
    await this.refreshTokens.revokeAllOf(userId, this.now());
  }

  /** Deletes expired refresh tokens and the families they leave empty (the CLI's purge). */
  purgeExpired(): Promise<{ tokens: number; families: number }> {
    return this.refreshTokens.purgeExpired(this.now());
  }

  private now(): Date {
    return new Date();
  }

  private response(user: { id: number; username: string }, refreshToken: string, scope: string | null): TokenGrant {
    const expiresIn = this.config.oauth.accessTokenTtlSeconds;
    return {
      access_token: this.tokens.sign(user, expiresIn),
      token_type: 'Bearer',
      expires_in: expiresIn,
      refresh_token: refreshToken,
      ...(scope ? { scope } : {}),
    };
  }

  private newRefreshToken(now: Date) {
    const token = randomBytes(32).toString('base64url');
    return {
      token,
      stored: {
        id: randomUUID(),
        tokenHash: hashToken(token),
        expiresAt: new Date(now.getTime() + this.config.oauth.refreshTokenTtlSeconds * 1000),
      },
    };
  }
}

/** What the database keeps of a refresh token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}
