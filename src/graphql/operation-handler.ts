import type { ExecutionArgs, ExecutionResult } from 'graphql';
import { createHandler } from 'graphql-http';
import { RateLimited } from '../domain/errors';
import { RETRY_AFTER_SECONDS } from '../http/error-handler';
import type { AppContext } from '../http/state';
import { createGraphqlContext, type GraphqlContext } from './context';
import type { GraphqlEndpointOptions } from './endpoint';
import { clientError } from './errors';
import { limitRules, parseWithin } from './limits';
import { graphqlSchema } from './schema';

export type OperationHandler = ReturnType<typeof createHandler<unknown, AppContext, GraphqlContext>>;

/**
 * graphql-http's handler over the schema, with the endpoint's limits, context and error mapping.
 * Required by the endpoint on its first request only (see graphqlEndpoint).
 */
export function createOperationHandler(options: GraphqlEndpointOptions): OperationHandler {
  const { limits, container, serverErrors, currentUser } = options;
  return createHandler<unknown, AppContext, GraphqlContext>({
    schema: graphqlSchema(),
    parse: parseWithin(limits),
    validationRules: (_request, args, specifiedRules) => [
      ...limitRules(limits, args.variableValues ?? undefined),
      ...specifiedRules,
    ],
    context: (request) => createGraphqlContext(request.context, container, currentUser),
    onOperation(request, _args: ExecutionArgs, result): ExecutionResult | undefined {
      const { errors } = result as ExecutionResult;
      if (!errors?.length) return undefined;
      const ctx = request.context;
      const reporting = {
        serverErrors,
        requestId: ctx.state.requestId ?? '',
        method: ctx.method,
        userId: ctx.state.authentication?.user?.id,
      };
      const mapped = errors.map((error) => clientError(error, reporting));
      if (mapped.some((error) => error.extensions.code === 'SERVICE_UNAVAILABLE')) {
        ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
      }
      // An abuse limit: the longest wait among the fields refused.
      const waits = errors.flatMap((error) =>
        error.originalError instanceof RateLimited ? [error.originalError.retryAfterSeconds] : [],
      );
      if (waits.length > 0) ctx.set('Retry-After', String(Math.max(...waits)));
      return { ...(result as ExecutionResult), errors: mapped };
    },
  });
}
