import { GraphQLError } from 'graphql';
import { describeError } from '../http/error-handler';
import type { ServerErrors } from '../http/server-errors';
import { codeOfStatus } from './error-codes';

export { codeOfStatus };

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
