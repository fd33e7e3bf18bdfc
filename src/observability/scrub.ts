/**
 * Removes secrets from an error report before it leaves the process (Sentry's `beforeSend`).
 * Nothing here should be in a report to begin with (no request data is attached), so this is the
 * second line: whatever an error message, a tag or a future integration carries is walked and
 *   - request bodies and cookies are dropped;
 *   - values under keys that name a secret (password, token, authorization, cookie, secret, dsn,
 *     api key, session) are replaced;
 *   - in every string, URL passwords (`postgres://user:pw@host`), `password=` pairs and JSON Web
 *     Tokens (with or without their `Token`/`Bearer`/`JWT` scheme) are replaced;
 *   - in a string holding an SQL statement, every string literal becomes `'?'`: the ORM's error
 *     messages quote the failed statement with its values, which are request bodies (a comment,
 *     an email, a password hash).
 */

export const FILTERED = '[Filtered]';

const SECRET_KEY = /pass(word|wd)?|secret|token|authori[sz]ation|cookie|session|api[-_]?key|dsn|jwt|credential/i;
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi;
const PASSWORD_PAIR = /\b(password|passwd|pwd)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi;
const SQL_STATEMENT = /\b(insert\s+into|update\s+\S+\s+set|delete\s+from|select\s[\s\S]*?\sfrom)\s/i;
const SQL_STRING_LITERAL = /[eE]?'(?:[^']|'')*'/g;
const JWT = /\b((?:Token|Bearer|JWT)\s+)?eyJ[\w-]*\.[\w-]+\.[\w-]+/g;

export function scrubString(text: string): string {
  const withoutValues = SQL_STATEMENT.test(text) ? text.replace(SQL_STRING_LITERAL, "'?'") : text;
  return withoutValues
    .replace(URL_PASSWORD, `$1:${FILTERED}@`)
    .replace(PASSWORD_PAIR, `$1$2${FILTERED}`)
    .replace(JWT, (_match, scheme: string | undefined) => `${scheme ?? ''}${FILTERED}`);
}

export function scrubEvent<T>(event: T): T {
  const request = (event as { request?: Record<string, unknown> }).request;
  if (request && typeof request === 'object') {
    delete request.data;
    delete request.cookies;
  }
  return scrub(event, new WeakSet()) as T;
}

function scrub(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return value;
  seen.add(value);
  // Arrays too: their keys are their indices, which name no secret.
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    record[key] =
      SECRET_KEY.test(key) && record[key] !== null && record[key] !== undefined ? FILTERED : scrub(record[key], seen);
  }
  return record;
}
