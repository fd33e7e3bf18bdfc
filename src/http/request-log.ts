import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import type { AppMiddleware } from './state';

// A caller's id is reused only when it is short and plain, so logs cannot be forged or flooded.
const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Gives every request an id (returned in `x-request-id`) and writes one JSON log line when it
 * ends: method, path, status, duration, id.
 */
export function requestLog(logger: Logger): AppMiddleware {
  return async function logRequest(ctx, next) {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    const requestId = SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('x-request-id', requestId);
    try {
      await next();
    } finally {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        {
          requestId,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          durationMs: Math.round(durationMs * 10) / 10,
        },
        'request',
      );
    }
  };
}
