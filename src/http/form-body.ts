import type { Middleware } from 'koa';
import bodyParser from 'koa-bodyparser';
import { BadRequestError } from './errors';
import { bodyReadError } from './json-body';

const FORM = 'application/x-www-form-urlencoded';

/** A form's fields; a field sent more than once is kept as every value, in order. */
export type FormFields = Record<string, string | string[]>;

/**
 * Reads `application/x-www-form-urlencoded` bodies (the OAuth endpoints'), under the same size
 * cap as JSON, into `ctx.request.body` as plain fields: no nesting (`a[b]=c` is the field
 * `a[b]`), a repeated field as an array so its reader can refuse it, NUL refused. Other media
 * types pass untouched (jsonBody has read JSON already).
 */
export function formBody(limit: string): Middleware {
  const read = bodyParser({
    enableTypes: ['text'],
    extendTypes: { text: [FORM] },
    textLimit: limit,
    onerror(error) {
      throw bodyReadError(error, limit);
    },
  });
  return async function parseFormBody(ctx, next) {
    if (!ctx.request.is(FORM)) return next();
    // jsonBody left `{}` for a type it does not read; koa-bodyparser skips a request with a body.
    ctx.request.body = undefined;
    await read(ctx, async () => {
      const text: unknown = ctx.request.body;
      ctx.request.body = parseForm(typeof text === 'string' ? text : '');
      await next();
    });
  };
}

export function parseForm(text: string): FormFields {
  const fields: FormFields = Object.create(null);
  for (const [name, value] of new URLSearchParams(text)) {
    if (name.includes('\u0000') || value.includes('\u0000')) {
      throw new BadRequestError('form fields must not contain NUL characters');
    }
    const earlier = fields[name];
    fields[name] = earlier === undefined ? value : [...(Array.isArray(earlier) ? earlier : [earlier]), value];
  }
  return fields;
}
