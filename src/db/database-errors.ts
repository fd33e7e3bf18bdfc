import { UniqueConstraintViolationException } from '@mikro-orm/core';

/**
 * Telling "the database is unreachable, slow or restarting" apart from "this query is wrong".
 *
 * The first kind is temporary and says nothing about the request: the client should retry (503).
 * MikroORM's PostgreSQL converter maps only constraint and syntax errors to specific classes;
 * everything else, connection failures included, arrives as a plain `DriverException` that
 * copies the original error's `code` and `message`. Raw pg and knex errors (from
 * `connection.execute`, or the pool) arrive unwrapped. So the decision is made on codes and the
 * few messages that have no code.
 */

/** Socket-level failures on the way to the database (Node's `code`). */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs that mean "not now" rather than "not this" (PostgreSQL appendix A). */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: the server is stopping (fast/immediate shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, in recovery
  '57P05', // idle_session_timeout
  '57014', // query_canceled: our statement_timeout fired
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
]);

/** Errors without a code: node-postgres and knex describe these only in words. */
const UNAVAILABLE_MESSAGES = [
  /Timeout acquiring a connection/i, // knex pool: acquireTimeoutMillis elapsed
  /Connection terminated/i, // pg: "unexpectedly", "due to connection timeout"
  /Query read timeout/i, // pg: query_timeout elapsed with no answer
  /not queryable/i, // pg: a client that already lost its connection
  /Connection ended/i,
  /timeout exceeded when trying to connect/i, // pg-pool
  // knex: BEGIN failed on a dead connection, knex marked the transaction complete and rejected
  // only its own promise, so MikroORM's next statement in it hits this instead of the socket
  // error. Transactions here are all MikroORM-managed (none is reused after commit), so under
  // load this has only ever been the echo of a lost connection (seen in the outage scenario).
  /Transaction query already complete/i,
];

/** True for failures that mean the database cannot be used right now; false for anything else. */
export function isDatabaseUnavailable(error: unknown): boolean {
  // Follows `cause` a few levels: some layers wrap the socket error instead of copying it.
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    if (describesUnavailability(current as ErrorLike)) return true;
    current = (current as ErrorLike).cause;
  }
  return false;
}

interface ErrorLike {
  status?: unknown;
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

function describesUnavailability(error: ErrorLike): boolean {
  if (typeof error !== 'object' || error === null) return false;
  // http-errors carry a status: raw-body's "request aborted" has code ECONNABORTED, but it is the
  // client's connection that failed, not the database's.
  if (typeof error.status === 'number') return false;
  if (error.name === 'KnexTimeoutError') return true;
  const code = typeof error.code === 'string' ? error.code : '';
  if (NETWORK_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
  // Class 08: connection exceptions (08000, 08003, 08006, 08001, 08004, ...).
  if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  const message = typeof error.message === 'string' ? error.message : '';
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}

/** A short, secret-free label for logs: the code, or the first line of the message. */
export function summariseDatabaseError(error: unknown): string {
  const { code, message } = (error ?? {}) as ErrorLike;
  if (typeof code === 'string' && code) return code;
  // Messages from knex raw queries start with the SQL: keep only what follows it.
  const text = typeof message === 'string' ? message.split('\n')[0] : String(error);
  return text.replace(/^.* - /, '').slice(0, 200);
}

/**
 * For a unique-index violation, the field the index guards, read from its name
 * (`users_email_lower_unique` → `email`, `users_username_key_unique` → `username`), or `''` when
 * the name says none; `undefined` for any other error.
 */
export function uniqueViolationField(error: unknown): string | undefined {
  if (!(error instanceof UniqueConstraintViolationException)) return undefined;
  const constraint = (error as { constraint?: string }).constraint ?? '';
  return fieldOfUniqueConstraint(constraint) ?? '';
}

/** `users_email_lower_unique` → `email`; `users_username_key_unique` → `username`. */
export function fieldOfUniqueConstraint(constraint: string): string | undefined {
  return /^[a-z0-9]+_([a-z0-9_]+?)(?:_lower|_key)?_unique$/.exec(constraint)?.[1];
}
