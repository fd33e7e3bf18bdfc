import { Client } from 'pg';
import type { Logger } from '../logger';
import { redactUrl } from './database';
import { isDatabaseUnavailable, summariseDatabaseError } from './database-errors';

export interface WaitOptions {
  /** Give up after this long (0: one attempt). */
  timeoutMs: number;
  /** Bound on each connection attempt, for a server that accepts TCP but never answers. */
  attemptTimeoutMs: number;
  logger: Logger;
}

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5000;

/** The database could not be used at start-up; the message is the one line to print. */
export class DatabaseStartupError extends Error {
  override name = 'DatabaseStartupError';
}

/**
 * Start-up in a cluster often races the database (both restarted together): instead of dying on
 * the first ECONNREFUSED, retry with exponential backoff for a bounded time, one log line per
 * attempt. Errors that waiting cannot fix (wrong password, no such database) fail at once.
 */
export async function waitForDatabase(url: string, options: WaitOptions): Promise<void> {
  const where = redactUrl(url);
  const started = Date.now();
  let delay = FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await probe(url, options.attemptTimeoutMs);
      if (attempt > 1) options.logger.info({ database: where, attempt }, 'database reachable');
      return;
    } catch (error) {
      const reason = summariseDatabaseError(error);
      if (!isDatabaseUnavailable(error)) {
        throw new DatabaseStartupError(`cannot use the database at ${where} (DATABASE_URL): ${reason}`);
      }
      const remaining = options.timeoutMs - (Date.now() - started);
      if (remaining <= 0) {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        throw new DatabaseStartupError(
          `database at ${where} (DATABASE_URL) not reachable after ${attempt} attempts in ${seconds} s (${reason}); ` +
            'is PostgreSQL running? DB_STARTUP_TIMEOUT_MS sets how long to wait',
        );
      }
      const wait = Math.min(delay, remaining);
      options.logger.warn(
        { database: where, attempt, reason, retryInMs: wait },
        `database not reachable (${reason}), retrying in ${wait} ms`,
      );
      await new Promise((resolve) => setTimeout(resolve, wait));
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}

async function probe(url: string, timeoutMs: number): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // A connection that fails after connecting must not become an unhandled 'error' event.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => {});
  }
}
