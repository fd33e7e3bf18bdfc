import { hash } from 'node:crypto';
import type { Middleware } from 'koa';

/** The API's reads; /health, /docs, /openapi.json and /graphql set their own caching or none. */
const API_PREFIX = '/api/';

/**
 * Validators and caching rules for the API's successful reads, so that clients and caches
 * revalidate instead of downloading an unchanged list again:
 *
 * - `ETag`: a weak validator (`W/"…"`, the first 132 bits of the body's SHA-1, from the one-shot
 *   `crypto.hash`: a third less CPU than a Hash object for a 20 KB list page). Weak, because
 *   koa-compress sends the same JSON as gzip, brotli, zstd or identity bytes, and a strong tag
 *   would have to differ between them. A request whose `If-None-Match` lists it (or `*`) gets
 *   `304 Not Modified` without a body (Koa's `ctx.fresh`: RFC 9110's weak comparison, and a
 *   request sent with `Cache-Control: no-cache` always gets the full answer).
 * - `Cache-Control: no-cache`: may be stored, but must be revalidated on every use; articles,
 *   counts and follows change at any moment, so no response is fresh for any fixed time.
 *   `private` when the request carried a token (the body holds the caller's `following`,
 *   `favorited` or account), `public` otherwise, and `Vary: Authorization` either way so that a
 *   shared cache keeps each reader's view apart.
 *
 * It runs inside koa-compress (the tag describes the JSON, whatever coding carries it) and outside
 * jsonResponse (the body is its final text by then). The database still answers every
 * revalidation; the 304 saves the body's bytes on the wire and the client's parsing.
 */
export function conditionalGet(): Middleware {
  return async function validateReads(ctx, next) {
    await next();
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.status !== 200 || !ctx.path.startsWith(API_PREFIX)) {
      return;
    }
    const { body } = ctx;
    if (typeof body !== 'string' && !Buffer.isBuffer(body)) return;
    ctx.set('Cache-Control', ctx.get('authorization') ? 'private, no-cache' : 'public, no-cache');
    ctx.vary('Authorization');
    ctx.set('ETag', weakTagOf(body));
    // Koa drops the body (and its content headers) of a 304.
    if (ctx.fresh) ctx.status = 304;
  };
}

export function weakTagOf(body: string | Buffer): string {
  return `W/"${hash('sha1', body, 'base64url').slice(0, 22)}"`;
}
