import type { Middleware } from 'koa';
import koaJwt from 'koa-jwt';
import { type Action, createParamDecorator } from 'routing-controllers';
import type { AppConfig } from '../config/config';
import { isTokenClaims, JWT_ALGORITHM, type PresentedToken, signingKey } from '../modules/users/token.service';
import type { User } from '../modules/users/user.entity';
import { UnauthorizedError } from './errors';
import type { AppContext, Authentication } from './state';

// RealWorld clients send `Token x`; OAuth-style clients `Bearer x`; flask-jwt clients `JWT x`.
const AUTHORIZATION = /^(?:Token|Bearer|JWT)[ \t]+([\w-]+\.[\w-]+\.[\w-]+)[ \t]*$/i;

export function tokenFromAuthorizationHeader(header: string | undefined): string | null {
  if (!header) return null;
  return AUTHORIZATION.exec(header)?.[1] ?? null;
}

/**
 * Verifies the token, if any, and leaves its claims in `ctx.state.jwt`. It never rejects a
 * request itself (`passthrough`): the routes decide, through `@Authorized()` and
 * `@CurrentUser()`, whether a user is required.
 */
export function jwtMiddleware(config: Pick<AppConfig, 'jwtSecret'>): Middleware {
  const verify = koaJwt({
    // A KeyObject, not the string: see signingKey. koa-jwt hands it to jsonwebtoken unchanged.
    secret: signingKey(config.jwtSecret) as unknown as string,
    algorithms: [JWT_ALGORITHM],
    key: 'jwt',
    passthrough: true,
    getToken: (ctx) => tokenFromAuthorizationHeader(ctx.get('authorization')),
  });
  return function verifyToken(ctx, next) {
    // koa-jwt "verifies" a missing token too, building and discarding several errors with stack
    // traces on every anonymous request; skip it when there is nothing to verify.
    if (!ctx.get('authorization')) return next();
    return verify(ctx, next);
  };
}

export type FindUserById = (id: number) => Promise<User | null>;

/**
 * The routing-controllers hooks. `authorizationChecker` guards `@Authorized()` routes;
 * `currentUserChecker` feeds `@CurrentUser()`. Both share one lookup per request.
 *
 * A route with optional auth answers anonymous callers, but a caller who sends a bad token gets
 * 401 there too, so a client learns its session expired instead of silently seeing public data.
 */
export function authCheckers(findUserById: FindUserById) {
  async function authenticate(ctx: AppContext): Promise<Authentication> {
    const cached = ctx.state.authentication;
    if (cached) return cached;

    let result: Authentication = { invalid: false };
    if (ctx.get('authorization')) {
      const claims = ctx.state.jwt;
      const user = isTokenClaims(claims) ? await findUserById(Number(claims.sub)) : null;
      const raw = tokenFromAuthorizationHeader(ctx.get('authorization'));
      result =
        user && isTokenClaims(claims) && raw
          ? { user, token: { raw, username: claims.username, expiresAt: claims.exp }, invalid: false }
          : { invalid: true };
    }
    ctx.state.authentication = result;
    return result;
  }

  return {
    async authorizationChecker(action: Action): Promise<boolean> {
      // routing-controllers types the Koa context as `any`; ours is an AppContext.
      const { user } = await authenticate(action.context);
      return user !== undefined;
    },
    async currentUserChecker(action: Action): Promise<User | undefined> {
      const { user, invalid } = await authenticate(action.context);
      if (invalid) throw new UnauthorizedError();
      return user;
    },
  };
}

/**
 * `@CallerToken()`: the verified token of the request's caller, on an `@Authorized()` route: its
 * guard settles the caller before routing-controllers reads any parameter (it reads them all at
 * once, so a `@CurrentUser()` beside this one would be too late).
 */
export function CallerToken() {
  return createParamDecorator({
    required: true,
    value: (action: Action): PresentedToken | undefined => (action.context as AppContext).state.authentication?.token,
  });
}
