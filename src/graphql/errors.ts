import { GraphQLError } from 'graphql';
import { describeError } from '../http/error-handler';
import type { ServerErrors } from '../http/server-errors';

/** `extensions.code` of each status the REST error boundary would answer with. */
const CODE_OF_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'BAD_USER_INPUT',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

export function codeOfStatus(status: number): string {
  return CODE_OF_STATUS[status] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST');
}

/** Where a resolver's error happened, for the log and the error report. */
export interface ErrorReporting {
  serverErrors: ServerErrors;
  requestId: string;
  method: string;
  userId?: number;
}

/**
 * A resolver's error as the client sees it. Domain errors, HTTP errors and database failures are
 * classified by the same `describeError` the REST boundary uses, so both transports agree on what
 * a failure is; the message is the domain's own (validation lists every field's message in
 * `extensions.messages`). Anything unexpected becomes a generic message with the request id and
 * is logged: SQL, stacks and internals never reach the client. Errors graphql-js raised itself
 * (syntax, unknown fields, variable types, the limits) are left as they are.
 */
export function clientError(error: GraphQLError, reporting: ErrorReporting): GraphQLError {
  const cause = error.originalError;
  if (cause === undefined || cause instanceof GraphQLError) return error;

  const { status, messages } = describeError(cause);
  const code = codeOfStatus(status);
  const { serverErrors, requestId, method, userId } = reporting;
  const path = error.path?.join('.');
  serverErrors.record(
    cause,
    status,
    { source: 'graphql', requestId, method, route: path ? `/graphql ${path}` : '/graphql', userId },
    { path },
    'unhandled error in a GraphQL resolver',
  );
  const message =
    status >= 500 && status !== 503 ? `internal server error (request id ${reporting.requestId})` : messages.join('; ');
  const extensions: Record<string, unknown> = { code };
  if (status === 422) extensions.messages = messages;
  if (status >= 500) extensions.requestId = reporting.requestId;
  return new GraphQLError(message, { nodes: error.nodes, path: error.path, extensions });
}
