import type { Logger } from './logger';

/**
 * The server's last line of defence: an error that escaped every promise chain and callback
 * (a forgotten `await`, a throw in a timer or an event listener) is logged, then the process
 * exits 1, so the supervisor restarts a process in a known state instead of one that may hold a
 * half-done transaction or a leaked connection. Errors inside a request never get here: the
 * error handler answers and logs those with their request id.
 *
 * The request id is not looked up here: finding it would mean an AsyncLocalStorage around every
 * request, and `unhandledRejection` fires outside the rejected promise's async context anyway.
 */
export function exitOnUnhandledErrors(
  logger: Logger,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection: exiting');
    exit(1);
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception: exiting');
    exit(1);
  });
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
