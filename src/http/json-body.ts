import type { Middleware } from 'koa';
import bodyParser from 'koa-bodyparser';
import { ApiError, BadRequestError, PayloadTooLargeError, UnprocessableError } from './errors';

// The media types koa-bodyparser would parse as JSON.
const JSON_TYPES = [
  'application/json',
  'application/json-patch+json',
  'application/vnd.api+json',
  'application/csp-report',
  'application/scim+json',
];

/**
 * Parses JSON request bodies (other types leave `{}`), under a size cap. Whatever goes wrong
 * while reading a body is the client's doing, so every failure becomes a 4xx here, in our error
 * shape: malformed JSON 400, too large 413, unknown encoding 415, a corrupt gzip/brotli stream 400,
 * a body beyond the shape limits (see scanJsonText) 422.
 *
 * koa-bodyparser only reads the text (its `text` type, extended to the JSON types): the shape
 * limits are checked on the text, so a hostile body is refused before JSON.parse spends 40-50 ms
 * building a 100,000-key object from it.
 *
 * routing-controllers always adds its own parser after this one; it sees a parsed body and skips.
 */
export function jsonBody(limit: string): Middleware {
  const read = bodyParser({
    enableTypes: ['text'],
    extendTypes: { text: JSON_TYPES },
    textLimit: limit,
    onerror(error) {
      throw bodyReadError(error, limit);
    },
  });
  return async function parseJsonBody(ctx, next) {
    await read(ctx, async () => {
      // text/plain is koa-bodyparser's own text type: read, but not a body we accept.
      const text: unknown = ctx.request.is(JSON_TYPES) ? ctx.request.body : undefined;
      ctx.request.body = typeof text === 'string' ? parseJson(text) : {};
      await next();
    });
  };
}

/** Why an array (or scalar) body is refused: every Conduit body, and every GraphQL request, is one object. */
export const NOT_AN_OBJECT = 'request body must be a JSON object';

// What koa-bodyparser's strict mode accepted: an object or array after optional JSON whitespace.
const STARTS_LIKE_OBJECT_OR_ARRAY = /^[ \t\n\r]*[[{]/;

function parseJson(text: string): unknown {
  if (text === '') return {};
  if (!STARTS_LIKE_OBJECT_OR_ARRAY.test(text)) throw new BadRequestError('request body is not valid JSON');
  const excess = scanJsonText(text);
  if (excess) throw new UnprocessableError(excess);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadRequestError('request body is not valid JSON');
  }
  // Every Conduit body is an object; an array or scalar would reach the DTOs as garbage.
  if (Array.isArray(body)) throw new UnprocessableError(NOT_AN_OBJECT);
  const problem = inspectBody(body);
  if (problem) throw new UnprocessableError(problem);
  return body;
}

/** What a failure to read a body is answered with (shared with the form reader). */
export function bodyReadError(error: unknown, limit: string): ApiError {
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

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

const TOO_DEEP = `request body is nested more than ${MAX_DEPTH} levels deep`;
const TOO_MANY_KEYS = `request body has an object with more than ${MAX_KEYS_PER_OBJECT} keys`;
const TOO_MANY_VALUES = `request body has more than ${MAX_VALUES_PER_BODY} values`;

/**
 * The shape limits, checked on the JSON text in one pass that stops at the first excess. Outside
 * strings, `{` and `[` open a level, `:` adds a key to the innermost object, and a value is counted
 * per key and per array item (the first after a `[` not followed by `]`, then one per `,`), which
 * is what inspectBody counts on the parsed body. Malformed text is left for JSON.parse to refuse.
 */
function scanJsonText(text: string): string | undefined {
  // One entry per open level: keys so far for an object, -1 for an array.
  const levels: number[] = [];
  let values = 1;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = closingQuote(text, i);
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (levels.length >= MAX_DEPTH) return TOO_DEEP;
      levels.push(code === OPEN_BRACE ? 0 : -1);
      if (code === OPEN_BRACKET && !closesNext(text, i + 1)) values += 1;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      levels.pop();
    } else if (code === COLON) {
      const keys = levels[levels.length - 1];
      if (keys !== undefined && keys >= 0) {
        if (keys + 1 > MAX_KEYS_PER_OBJECT) return TOO_MANY_KEYS;
        levels[levels.length - 1] = keys + 1;
        values += 1;
      }
    } else if (code === COMMA && levels[levels.length - 1] === -1) {
      values += 1;
    }
    if (values > MAX_VALUES_PER_BODY) return TOO_MANY_VALUES;
  }
  return undefined;
}

/** Index of the quote that ends the string opened at `open` (the text's length if none does). */
function closingQuote(text: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return text.length;
    // Escaped when preceded by an odd number of backslashes. Each run is counted once: linear.
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

/** Whether the array opened just before `from` is empty: only JSON whitespace, then `]`. */
function closesNext(text: string, from: number): boolean {
  for (let i = from; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === CLOSE_BRACKET) return true;
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return false;
  }
  return false;
}

/**
 * What is wrong with a parsed body, if anything: the shape limits again (scanJsonText has
 * checked them on the text; this keeps the body's guarantee in one place), a NUL character
 * (PostgreSQL cannot store U+0000 in text; refuse it here instead of failing in SQL), or a
 * `__proto__` or `constructor` key, which JSON.parse makes an own property that a transformer
 * copying keys onto an instance would turn into its prototype. Walks with an explicit stack, so a
 * hostile body cannot overflow this check either.
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
      if (depth >= MAX_DEPTH) return TOO_DEEP;
      const keys = Object.keys(value);
      if (!Array.isArray(value) && keys.length > MAX_KEYS_PER_OBJECT) return TOO_MANY_KEYS;
      values += keys.length;
      if (values > MAX_VALUES_PER_BODY) return TOO_MANY_VALUES;
      for (const key of keys) {
        if (key.includes('\u0000')) return 'strings must not contain NUL (\\u0000) characters';
        if (key === '__proto__' || key === 'constructor') return `request body must not contain a "${key}" key`;
        stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
      }
    }
  }
  return undefined;
}
