import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Inject, Service } from 'typedi';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/tokens';

/** What our tokens carry: the user id as `sub`, and the username for readable logs. */
export interface TokenClaims {
  sub: string;
  username: string;
  iat?: number;
  exp?: number;
}

export const JWT_ALGORITHM = 'HS256';

/** The verified token a request came with. */
export interface PresentedToken {
  raw: string;
  /** Who it names (the claim; the account may have been renamed since). */
  username: string;
  /** Its `exp`, in seconds since the epoch. */
  expiresAt?: number;
}

/**
 * The HMAC key as a KeyObject. Given a string, jsonwebtoken first tries to parse it as a PEM
 * public or private key, fails, and only then makes a secret key: on every call. That failed
 * parse was 12% of the CPU of an authenticated request.
 */
export function signingKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

@Service()
export class TokenService {
  private readonly key: KeyObject;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.key = signingKey(config.jwtSecret);
  }

  /** A token for this user, valid for JWT_EXPIRES_IN unless `expiresInSeconds` says otherwise. */
  sign(user: { id: number; username: string }, expiresInSeconds?: number): string {
    return jwt.sign({ username: user.username }, this.key, {
      algorithm: JWT_ALGORITHM,
      subject: String(user.id),
      expiresIn: expiresInSeconds ?? (this.config.jwtExpiresIn as jwt.SignOptions['expiresIn']),
    });
  }

  /**
   * The token to answer a caller who came with `presented` (GET or PUT /api/user, GraphQL `me`):
   * that same token while it still names the user, else a new one that expires with it, never
   * later. Re-signing with JWT_EXPIRES_IN would turn a 15-minute OAuth access token into a 7-day
   * one that outlives the revocation of its refresh tokens. (Echoing also skips a signature.)
   */
  forCaller(user: { id: number; username: string }, presented: PresentedToken): string {
    if (presented.username === user.username) return presented.raw;
    if (presented.expiresAt === undefined) return this.sign(user);
    return this.sign(user, Math.max(1, presented.expiresAt - Math.floor(Date.now() / 1000)));
  }
}

// Ids are PostgreSQL `integer`s. A longer subject would become Infinity or an out-of-range
// parameter in SQL (a 500); a leading zero or sign is a second spelling of an id we never issue.
const USER_ID_SUBJECT = /^[1-9][0-9]{0,9}$/;
const MAX_USER_ID = 2_147_483_647;

/** Our claims, with a subject that can be a user id; anything else is a token we did not issue. */
export function isTokenClaims(value: unknown): value is TokenClaims {
  const claims = value as Partial<TokenClaims> | null;
  if (typeof claims !== 'object' || claims === null || typeof claims.sub !== 'string') return false;
  return USER_ID_SUBJECT.test(claims.sub) && Number(claims.sub) <= MAX_USER_ID;
}
