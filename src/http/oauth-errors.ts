import type { OAuthErrorCode } from '../domain/errors';
import { OAuthRefusal } from '../domain/errors';
import type { ErrorShape } from './error-handler';
import { routePath } from './route-path';
import type { AppContext, AppMiddleware } from './state';

/** An OAuth error code, or one this server answers for failures outside the protocol's own. */
type OAuthWireCode = OAuthErrorCode | 'slow_down' | 'server_error' | 'temporarily_unavailable';

/**
 * The OAuth endpoints' error shape, `{"error": "invalid_grant", "error_description": "…"}`
 * (RFC 6749 §5.2), for every error they can meet, also before routing (a body that cannot be
 * read). Statuses are 400, or 401 for `invalid_client` (with `WWW-Authenticate: Basic`, the only
 * client authentication scheme there is); 413/415 stay (`invalid_request`); a body beyond the
 * shape limits (422 elsewhere) is a 400 `invalid_request`; 429 is `slow_down` (RFC 8628's code
 * for "poll less often", the closest registered one); 500 `server_error`; 503
 * `temporarily_unavailable`.
 */
export function oauthErrorShape(paths: readonly string[]): ErrorShape {
  const served = new Set(paths);
  return {
    appliesTo: (ctx) => ctx.method === 'POST' && served.has(routePath(ctx.path)),
    respond(ctx, error, { status, messages }) {
      const code = wireCode(error, status);
      ctx.status = status === 422 ? 400 : status;
      ctx.body = { error: code, error_description: messages.join('; ') };
      if (code === 'invalid_client') ctx.set('WWW-Authenticate', 'Basic realm="conduit", charset="UTF-8"');
    },
  };
}

function wireCode(error: unknown, status: number): OAuthWireCode {
  if (error instanceof OAuthRefusal) return error.code;
  if (status === 429) return 'slow_down';
  if (status === 503) return 'temporarily_unavailable';
  if (status >= 500) return 'server_error';
  return 'invalid_request';
}

/**
 * RFC 6749 §5.1: responses carrying tokens must not be cached. Set before anything else runs, so
 * errors (and 429s, 405s) carry it too.
 */
export function noStore(paths: readonly string[]): AppMiddleware {
  const served = new Set(paths);
  return function forbidCaching(ctx: AppContext, next) {
    if (served.has(routePath(ctx.path))) {
      ctx.set('Cache-Control', 'no-store');
      ctx.set('Pragma', 'no-cache');
    }
    return next();
  };
}
