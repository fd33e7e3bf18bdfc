import type { AppConfig } from '../config/config';

/** What is known about where an error happened; becomes the report's tags and user. */
export interface ErrorContext {
  /**
   * `http` (the error boundary), `graphql` (a resolver), `lambda` (the handler itself), `cli`,
   * `startup`, `process` (an error that escaped everything: the server's crash handlers).
   */
  source: 'http' | 'graphql' | 'lambda' | 'cli' | 'startup' | 'process';
  requestId?: string;
  method?: string;
  /** The matched route template (`/api/articles/:slug`), not the path with its values. */
  route?: string;
  userId?: number;
  /** The CLI command that failed. */
  command?: string;
  /** Set on the first 503 of a database outage (the only one reported, see error-handler.ts). */
  outage?: 'database';
}

/**
 * Where unexpected errors go besides the log. The HTTP error boundary, the Lambda handler and the
 * CLI report through this, so nothing but `sentry-reporter.ts` knows Sentry exists.
 */
export interface ErrorReporter {
  /** False for the no-op reporter: lets callers skip work done only for a report. */
  readonly enabled: boolean;
  /** Queues the error for sending; never throws, never waits. The same error object is sent once. */
  capture(error: unknown, context: ErrorContext): void;
  /** Resolves once queued reports are sent (true) or `timeoutMs` ran out (false). */
  flush(timeoutMs?: number): Promise<boolean>;
}

/** The default: SENTRY_DSN unset. */
export const noopErrorReporter: ErrorReporter = {
  enabled: false,
  capture() {},
  flush: () => Promise.resolve(true),
};

/** How long an exiting CLI or a finishing Lambda invocation waits for reports to leave. */
export const FLUSH_TIMEOUT_MS = 2000;

const reporters = new Map<string, Promise<ErrorReporter>>();

/**
 * The reporter for a configuration. Without `sentryDsn` it is the no-op one and @sentry/node is
 * never loaded (about 600 modules, a fifth of a second of cold start). With it, one Sentry client
 * per DSN, environment and release in the process, shared by the apps and commands that use it.
 */
export function errorReporterFor(
  config: Pick<AppConfig, 'sentryDsn' | 'sentryEnvironment' | 'sentryRelease'>,
): Promise<ErrorReporter> {
  const { sentryDsn: dsn, sentryEnvironment: environment, sentryRelease: release } = config;
  if (!dsn) return Promise.resolve(noopErrorReporter);
  const key = JSON.stringify([dsn, environment, release]);
  let reporter = reporters.get(key);
  if (!reporter) {
    reporter = import('./sentry-reporter').then(({ createSentryReporter }) =>
      reportingEachErrorOnce(createSentryReporter({ dsn, environment, release })),
    );
    reporters.set(key, reporter);
  }
  return reporter;
}

/**
 * An error can pass two boundaries (a failed database open is reported by the bootstrap, then
 * reaches the CLI's last catch): the first one reports it.
 */
function reportingEachErrorOnce(reporter: ErrorReporter): ErrorReporter {
  const reported = new WeakSet<object>();
  return {
    enabled: reporter.enabled,
    capture(error, context) {
      if (typeof error === 'object' && error !== null) {
        if (reported.has(error)) return;
        reported.add(error);
      }
      reporter.capture(error, context);
    },
    flush: (timeoutMs) => reporter.flush(timeoutMs),
  };
}
