import type { Middleware, ParameterizedContext } from 'koa';
import type { PresentedToken } from '../modules/users/token.service';
import type { User } from '../modules/users/user.entity';

/** Who made the request, settled once per request by the auth checkers (see auth.ts). */
export interface Authentication {
  user?: User;
  /** The token that authenticated `user`. */
  token?: PresentedToken;
  /** Credentials were sent but are unusable: malformed, forged, expired or for a deleted user. */
  invalid: boolean;
}

/**
 * What our middleware leaves in `ctx.state`, typed once here so no middleware casts it. Every
 * field is optional: each is set by one middleware and read by those after it.
 */
export interface AppState {
  /** Set by requestLog, the outermost middleware; echoed in `x-request-id` and every log line. */
  requestId?: string;
  /** The verified token's claims (koa-jwt, under `key: 'jwt'`); unchecked until isTokenClaims. */
  jwt?: unknown;
  authentication?: Authentication;
}

export type AppContext = ParameterizedContext<AppState>;
export type AppMiddleware = Middleware<AppState>;
