import type { Middleware } from 'koa';
import { IdempotencyService } from '../modules/idempotency/idempotency.service';
import { isTokenClaims } from '../modules/users/token.service';
import { ApiError, BadRequestError } from './errors';
import type { AppContext } from './state';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
// The draft leaves the format to the server: a UUID fits, and so does any short visible token.
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on the API's POSTs: a client that did not get an answer (a timeout, a dropped
 * connection) sends the same request with the same key again, and gets the first answer again
 * (`Idempotent-Replayed: true`) without a second article, comment or favorite. The key is scoped
 * to the caller (the token's user) and the path; a request without a token ignores it. While the first request runs, a
 * duplicate gets 409 with Retry-After; the same key with another body, 422. Only answers below
 * 500 are kept: after an error (a thrown one, or a 5xx), the key is released and a retry runs
 * again.
 *
 * Runs inside the request context (the records are read and written through the ORM) and after
 * the token and body are read. What it cannot promise: the work and its record are two
 * transactions, so if the process dies between them, a retry after the 60 s lease runs the
 * request again.
 */
export function idempotentPosts(service: (ctx: AppContext) => IdempotencyService): Middleware {
  return async function replayOrRun(ctx, next) {
    const key = ctx.get(IDEMPOTENCY_KEY_HEADER);
    if (ctx.method !== 'POST' || key === '' || !ctx.path.startsWith('/api/')) return next();
    if (!VALID_KEY.test(key)) {
      throw new BadRequestError(`${IDEMPOTENCY_KEY_HEADER} must be 1 to 255 visible ASCII characters`);
    }
    // Only a caller's own writes: registration and login answer with a token, which is not kept
    // in the database, and they are safe to retry anyway (a second registration is a 422).
    const claims = ctx.state.jwt;
    if (!isTokenClaims(claims)) return next();
    const scope = { key, ownerId: Number(claims.sub), route: `${ctx.method} ${ctx.path}` };
    const records = service(ctx as AppContext);
    const decision = await records.begin(scope, IdempotencyService.fingerprintOf(ctx.request.body));
    switch (decision.kind) {
      case 'mismatch':
        throw new ApiError(422, [`${IDEMPOTENCY_KEY_HEADER} was already used for a request with another body`]);
      case 'in-progress':
        ctx.set('Retry-After', '1');
        throw new ApiError(409, [`a request with this ${IDEMPOTENCY_KEY_HEADER} is still being processed`]);
      case 'replay':
        ctx.set('Idempotent-Replayed', 'true');
        ctx.status = decision.status;
        if (decision.responseBody !== null) {
          ctx.type = 'application/json';
          ctx.body = decision.responseBody;
        }
        return;
    }
    try {
      await next();
    } catch (error) {
      await records.abandon(scope).catch(() => {});
      throw error;
    }
    if (ctx.status >= 500) {
      await records.abandon(scope);
      return;
    }
    const { body } = ctx;
    await records.finish(scope, ctx.status, body === null || body === undefined ? null : JSON.stringify(body));
  };
}
