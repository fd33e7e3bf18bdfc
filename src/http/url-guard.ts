import type { Middleware } from 'koa';
import { BadRequestError } from './errors';

/**
 * Refuses URLs that cannot be a Conduit resource before they reach a query: an encoded NUL
 * (PostgreSQL cannot store it) or percent-encoding that does not decode.
 */
export function urlGuard(): Middleware {
  return async function guardUrl(ctx, next) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(ctx.url);
    } catch {
      throw new BadRequestError('the URL is not correctly percent-encoded');
    }
    if (decoded.includes('\u0000')) throw new BadRequestError('the URL must not contain NUL characters');
    await next();
  };
}
