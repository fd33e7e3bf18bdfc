import type { Middleware } from 'koa';
import bodyParser from 'koa-bodyparser';
import { ApiError, BadRequestError, PayloadTooLargeError, UnprocessableError } from './errors';

/**
 * Parses JSON request bodies (other types leave `{}`), under a size cap. Whatever goes wrong
 * while reading a body is the client's doing, so every failure becomes a 4xx here, in our error
 * shape: malformed JSON 400, too large 413, unknown encoding 415, a corrupt gzip/brotli stream 400.
 *
 * routing-controllers always adds its own parser after this one; it sees a parsed body and skips.
 */
export function jsonBody(limit: string): Middleware {
  const parse = bodyParser({
    enableTypes: ['json'],
    jsonLimit: limit,
    strict: true,
    onerror(error) {
      throw bodyReadError(error, limit);
    },
  });
  return async function parseJsonBody(ctx, next) {
    await parse(ctx, async () => {
      const body: unknown = ctx.request.body;
      // Every Conduit body is an object; an array or scalar would reach the DTOs as garbage.
      if (Array.isArray(body)) throw new UnprocessableError('request body must be a JSON object');
      // PostgreSQL cannot store U+0000 in text: refuse it up front instead of failing in SQL.
      if (containsNul(body)) throw new UnprocessableError('strings must not contain NUL (\\u0000) characters');
      await next();
    });
  };
}

function bodyReadError(error: unknown, limit: string): ApiError {
  const { status, type } = error as { status?: number; type?: string };
  if (type === 'entity.too.large' || status === 413) return new PayloadTooLargeError(limit);
  if (type === 'encoding.unsupported' || status === 415)
    return new ApiError(415, ['content-encoding is not supported']);
  if (error instanceof SyntaxError) return new BadRequestError('request body is not valid JSON');
  return new BadRequestError('request body could not be read');
}

function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000') || containsNul(item, depth + 1)) return true;
  }
  return false;
}
