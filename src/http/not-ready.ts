import type { IncomingMessage, ServerResponse } from 'node:http';
import { RETRY_AFTER_SECONDS } from './error-handler';

/**
 * Answers while the server listens but the database is not open yet (it binds first so a taken
 * port fails before any database work): 503 with Retry-After in the usual error shape, so load
 * balancers and clients wait instead of seeing connection refused.
 */
export function answerNotReady(_request: IncomingMessage, response: ServerResponse): void {
  const body = JSON.stringify({ errors: { body: ['the service is starting, please retry'] } });
  response.writeHead(503, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'retry-after': String(RETRY_AFTER_SECONDS),
  });
  response.end(body);
}
