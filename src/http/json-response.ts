import type { Middleware } from 'koa';

/**
 * Serialises object bodies to JSON once, here. Left as objects, they would be stringified twice:
 * by koa-compress (to compare the size with its threshold) and again by Koa when responding.
 */
export function jsonResponse(): Middleware {
  return async function serializeJson(ctx, next) {
    await next();
    const { body } = ctx;
    if (body === null || typeof body !== 'object' || Buffer.isBuffer(body) || typeof body.pipe === 'function') return;
    const status = ctx.status;
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(body);
    // Assigning a body resets an unset status to 200; keep the one the handler chose.
    ctx.status = status;
  };
}
