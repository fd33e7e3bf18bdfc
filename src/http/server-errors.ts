import { isDatabaseUnavailable } from '../db/database-errors';
import type { Logger } from '../logger';
import { type ErrorContext, type ErrorReporter, noopErrorReporter } from '../observability/error-reporter';
import { DatabaseOutageLog } from './database-outage-log';

/**
 * What an app does with a failure that is not the caller's (a 5xx): log it with its request id
 * and report it (Sentry when SENTRY_DSN is set). A database outage is logged and reported once,
 * with its first 503: the outage is one incident, and thousands of identical events a second
 * would only use up the project's quota and rate limit, hiding other errors until it ends.
 *
 * One per app, shared by the REST error boundary and the GraphQL endpoint, so one outage is one
 * log line and one report whichever endpoint met it first.
 */
export class ServerErrors {
  private readonly outageLog: DatabaseOutageLog;

  constructor(
    private readonly logger: Logger,
    private readonly reporter: ErrorReporter = noopErrorReporter,
  ) {
    this.outageLog = new DatabaseOutageLog(logger);
  }

  /**
   * Records an error answered with `status` (as `describeError` classified it); a 4xx is the
   * caller's mistake and is neither logged nor reported. `logFields` go to the log line only.
   */
  record(
    error: unknown,
    status: number,
    context: ErrorContext,
    logFields: Record<string, unknown> = {},
    logMessage = 'unhandled error',
  ): void {
    const requestId = context.requestId ?? '';
    if (status === 503 && isDatabaseUnavailable(error)) {
      if (this.outageLog.failure(error, requestId)) this.reporter.capture(error, { ...context, outage: 'database' });
    } else if (status >= 500) {
      this.logger.error({ err: error, requestId, ...logFields }, logMessage);
      this.reporter.capture(error, context);
    }
  }
}
