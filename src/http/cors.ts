import type { Middleware } from 'koa';
import type { AppConfig } from '../config/config';

const ALLOWED_METHODS = 'GET, POST, PUT, DELETE, OPTIONS';
const ALLOWED_HEADERS = 'content-type, authorization, x-request-id, if-none-match';

/**
 * CORS for browser front ends on other origins. Conduit clients send `content-type:
 * application/json` even on GETs, so every route sees a preflight: any OPTIONS request is
 * answered here with 204 before routing. Headers are set before the rest of the chain runs, so
 * error responses carry them too.
 */
export function cors(origins: AppConfig['corsOrigins']): Middleware {
  // Consulted only for a list of origins (with '*' it is never read).
  const allowList = new Set(origins);
  return async function applyCors(ctx, next) {
    const origin = ctx.get('origin');
    if (origins === '*') {
      ctx.set('Access-Control-Allow-Origin', '*');
    } else {
      ctx.vary('Origin');
      if (origin && allowList.has(origin)) ctx.set('Access-Control-Allow-Origin', origin);
    }
    ctx.set('Access-Control-Expose-Headers', 'x-request-id, etag');

    if (ctx.method === 'OPTIONS') {
      ctx.set('Access-Control-Allow-Methods', ALLOWED_METHODS);
      ctx.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return;
    }
    await next();
  };
}
