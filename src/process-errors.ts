import type { Logger } from './logger';
import { type ErrorReporter, FLUSH_TIMEOUT_MS, noopErrorReporter } from './observability/error-reporter';

/**
 * The server's last line of defence: an error that escaped every promise chain and callback
 * (a forgotten `await`, a throw in a timer or an event listener) is logged and reported (Sentry,
 * when SENTRY_DSN is set; the exit waits up to FLUSH_TIMEOUT_MS for the report to leave), then the
 * process exits 1, so the supervisor restarts a process in a known state instead of one that may
 * hold a half-done transaction or a leaked connection. Errors inside a request never get here: the
 * error handler answers, logs and reports those with their request id. Only the first error is
 * reported; any that follow while the report leaves are logged.
 *
 * The request id is not looked up here: finding it would mean an AsyncLocalStorage around every
 * request, and `unhandledRejection` fires outside the rejected promise's async context anyway.
 */
export function exitOnUnhandledErrors(
  logger: Logger,
  reporter: ErrorReporter = noopErrorReporter,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  let exiting = false;
  const fail = (error: unknown, message: string) => {
    logger.fatal({ err: error }, message);
    if (exiting) return;
    exiting = true;
    reporter.capture(error, { source: 'process' });
    reporter.flush(FLUSH_TIMEOUT_MS).finally(() => exit(1));
  };
  process.on('unhandledRejection', (reason) => fail(reason, 'unhandled promise rejection: exiting'));
  process.on('uncaughtException', (error) => fail(error, 'uncaught exception: exiting'));
}

/**
 * On Lambda the runtime owns the process: it fails the invocation and recycles the container on
 * an uncaught exception. A rejection nobody awaited is logged here (as JSON, like every other
 * line) and rethrown as one, so it fails the same way instead of passing unnoticed.
 */
export function failOnUnhandledRejections(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection');
    throw reason;
  });
}
