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
      const problem = inspectBody(body);
      if (problem) throw new UnprocessableError(problem);
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

// No Conduit body nests deeper than 3; a deep one would only overflow the DTO transformer's stack.
export const MAX_DEPTH = 16;
// The widest Conduit object has 5 properties and a whole body under 40 values (20 tags at most).
// These leave room for clients that send extra fields (stripped later) while keeping the work
// class-transformer does small: its cost grows with the square of an object's key count, and
// 120,000 keys in one 1 MB body held the event loop for 8-12 s.
export const MAX_KEYS_PER_OBJECT = 64;
export const MAX_VALUES_PER_BODY = 1000;

/**
 * What is wrong with a parsed body, if anything: nesting beyond MAX_DEPTH, an object with more
 * than MAX_KEYS_PER_OBJECT keys, more than MAX_VALUES_PER_BODY values (objects, arrays and their
 * items) in all, or a NUL character (PostgreSQL cannot store U+0000 in text; refuse it here
 * instead of failing in SQL). Walks with an explicit stack, so a hostile body cannot overflow this
 * check either, and stops at the first excess, so its own cost stays linear and bounded.
 */
function inspectBody(body: unknown): string | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value: body, depth: 0 }];
  // Values seen so far, counted as they are queued, so an excess is caught before any walking.
  let values = 1;
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return 'strings must not contain NUL (\\u0000) characters';
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_DEPTH) return `request body is nested more than ${MAX_DEPTH} levels deep`;
      const keys = Object.keys(value);
      if (!Array.isArray(value) && keys.length > MAX_KEYS_PER_OBJECT) {
        return `request body has an object with more than ${MAX_KEYS_PER_OBJECT} keys`;
      }
      values += keys.length;
      if (values > MAX_VALUES_PER_BODY) return `request body has more than ${MAX_VALUES_PER_BODY} values`;
      for (const key of keys) {
        if (key.includes('\u0000')) return 'strings must not contain NUL (\\u0000) characters';
        stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
      }
    }
  }
  return undefined;
}
