import type { IncomingHttpHeaders } from 'node:http';
import type { Request as GraphqlHttpRequest } from 'graphql-http';
import type { ContainerInstance } from 'typedi';
import type { GraphqlLimits } from '../config/config';
import { errorBody } from '../http/error-handler';
import { ApiError } from '../http/errors';
import { jsonBody, NOT_AN_OBJECT } from '../http/json-body';
import type { ServerErrors } from '../http/server-errors';
import type { AppContext, AppMiddleware } from '../http/state';
import type { CurrentUser } from './context';
import { codeOfStatus } from './error-codes';
import { GRAPHQL_PATH } from './openapi-path';
import type { OperationHandler } from './operation-handler';

export { GRAPHQL_PATH };

export interface GraphqlEndpointOptions {
  limits: GraphqlLimits;
  container: ContainerInstance;
  serverErrors: ServerErrors;
  currentUser: CurrentUser;
}

/** `{"errors": [...]}` for a request refused before GraphQL saw it, with its HTTP status. */
function answerRefused(ctx: AppContext, status: number, message: string, code = codeOfStatus(status)): void {
  ctx.body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  ctx.type = 'application/json';
  ctx.status = status;
}

/**
 * `GET` and `POST /graphql`, per the GraphQL-over-HTTP spec (graphql-http's handler). The body is
 * read here, under its own size cap and the JSON shape limits of every body (src/http/json-body):
 * one JSON object, never an array of operations. Then, before any resolver runs (so before any
 * SQL): the token budget while parsing, and depth, aliases, cost and introspection while
 * validating. Every failure is answered in GraphQL's `{"errors": [...]}` shape, never REST's.
 */
export function graphqlEndpoint(options: GraphqlEndpointOptions): AppMiddleware {
  const readBody = jsonBody(options.limits.bodyLimit);

  // Loaded and built on the first /graphql request, not with the app: graphql, type-graphql, the
  // resolvers and the schema built from their decorators are the costliest part of createApp(),
  // and a Lambda container that only serves REST never needs them.
  let handler: OperationHandler | undefined;
  const handle = (request: GraphqlHttpRequest<unknown, AppContext>) => {
    handler ??= (require('./operation-handler') as typeof import('./operation-handler')).createOperationHandler(
      options,
    );
    return handler(request);
  };

  async function serve(ctx: AppContext): Promise<void> {
    const request: GraphqlHttpRequest<unknown, AppContext> = {
      url: ctx.url,
      method: ctx.method,
      headers: ctx.headers as IncomingHttpHeaders & Record<string, string>,
      // Already parsed (and bounded) by readBody; an empty body is `{}`, which graphql-http
      // refuses as "Missing query".
      body: ctx.request.body as Record<string, unknown>,
      raw: ctx.req,
      context: ctx,
    };
    const [body, init] = await handle(request);
    const typed = Object.keys(init.headers ?? {}).some((name) => name.toLowerCase() === 'content-type');
    if (body === null || !typed) {
      // 406 (unacceptable Accept), 415 (not JSON): no body; 405 (a mutation over GET): a plain-text
      // message. Both become GraphQL's error shape, as every other refusal here.
      const message = typeof body === 'string' && body ? body : (init.statusText ?? 'bad request').toLowerCase();
      answerRefused(ctx, init.status ?? 400, message);
    } else {
      ctx.body = body;
      ctx.status = init.status ?? 200;
    }
    for (const [name, value] of Object.entries(init.headers ?? {})) ctx.set(name, value);
  }

  return async function graphql(ctx, next) {
    if (ctx.path !== GRAPHQL_PATH) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'POST') {
      // Not a GraphQL request at all: answered like any other path's unserved method.
      ctx.set('Allow', 'GET, POST');
      ctx.status = 405;
      ctx.body = errorBody([`method ${ctx.method} is not allowed on ${ctx.path}`]);
      return;
    }
    try {
      await readBody(ctx, () => serve(ctx));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.messages[0] === NOT_AN_OBJECT) {
        answerRefused(
          ctx,
          400,
          'batched operations (a JSON array) are not supported: send one operation per request',
          'BATCHING_NOT_SUPPORTED',
        );
      } else {
        answerRefused(ctx, error.httpCode, error.messages.join('; '));
      }
    }
  };
}
