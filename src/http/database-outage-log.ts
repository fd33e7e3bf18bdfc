import { summariseDatabaseError } from '../db/database-errors';
import type { Logger } from '../logger';

/** No database failure for this long and the outage is considered over. */
const QUIET_MS = 5000;

/**
 * Logs a database outage once, not once per request: under load a stopped database fails
 * thousands of requests a second, and one stack trace each would bury everything else (and fill
 * the disk). The first failure logs an error; the rest are counted; when failures stop for
 * QUIET_MS, one line says how long it lasted and how many requests got 503.
 */
export class DatabaseOutageLog {
  private outage: { startedAt: number; failures: number; timer: NodeJS.Timeout } | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly quietMs = QUIET_MS,
  ) {}

  /** Counts a failed request; true when it starts an outage (the one that was logged). */
  failure(error: unknown, requestId: string): boolean {
    if (this.outage) {
      this.outage.failures += 1;
      this.outage.timer.refresh();
      return false;
    }
    this.logger.error(
      { database: summariseDatabaseError(error), requestId },
      'database unavailable: answering 503 until it is back (one line per outage)',
    );
    const timer = setTimeout(() => this.end(), this.quietMs);
    // A pending "outage over" line must not keep a stopping process alive.
    timer.unref();
    this.outage = { startedAt: Date.now(), failures: 1, timer };
    return true;
  }

  private end(): void {
    if (!this.outage) return;
    const { startedAt, failures } = this.outage;
    this.outage = undefined;
    this.logger.warn(
      { failures, durationMs: Date.now() - startedAt - this.quietMs },
      `database failures stopped: ${failures} requests answered 503`,
    );
  }
}
