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
const MAX_DEPTH = 16;

/**
 * What is wrong with a parsed body, if anything: nesting beyond MAX_DEPTH, or a NUL character
 * (PostgreSQL cannot store U+0000 in text; refuse it here instead of failing in SQL). Walks with
 * an explicit stack, so a hostile body cannot overflow this check either.
 */
function inspectBody(body: unknown): string | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value: body, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return 'strings must not contain NUL (\\u0000) characters';
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_DEPTH) return `request body is nested more than ${MAX_DEPTH} levels deep`;
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return 'strings must not contain NUL (\\u0000) characters';
        stack.push({ value: item, depth: depth + 1 });
      }
    }
  }
  return undefined;
}
