import { STATUS_CODES } from 'node:http';
import { NotFoundError as OrmNotFoundError } from '@mikro-orm/core';
import type { ValidationError } from 'class-validator';
import { HttpError } from 'routing-controllers';
import { isDatabaseUnavailable, uniqueViolationField } from '../db/database-errors';
import {
  AlreadyTaken,
  DomainError,
  Forbidden,
  Invalid,
  NotFound,
  OAuthRefusal,
  RateLimited,
  Unauthenticated,
} from '../domain/errors';
import type { ErrorContext } from '../observability/error-reporter';
import { flattenValidationErrors } from '../validation/flatten-errors';
import { ApiError } from './errors';
import type { ServerErrors } from './server-errors';
import type { AppContext, AppMiddleware } from './state';

export interface ErrorDescription {
  status: number;
  messages: string[];
}

/**
 * Another error shape for some requests (the OAuth endpoints answer RFC 6749's): given the
 * status and client-safe messages, it sets the body, and may change the status or add headers.
 */
export interface ErrorShape {
  appliesTo(ctx: AppContext): boolean;
  respond(ctx: AppContext, error: unknown, description: ErrorDescription): void;
}

/** Seconds a client is asked to wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 5;
const UNAVAILABLE_MESSAGE = 'the service is temporarily unavailable, please retry';

/**
 * The outermost error boundary: every error, from a controller, a middleware, the body parser or
 * the ORM, becomes `{"errors": {"body": [...]}}` with the right status. Nothing is rethrown, so
 * Koa's default handler (plain text, headers cleared) never runs. 5xx are logged with the request
 * id; their details never reach the client.
 *
 * Every 5xx is logged and reported through `serverErrors` (a database outage once; see
 * ServerErrors); 4xx are the client's mistakes and are not.
 */
export function errorHandler(serverErrors: ServerErrors, shapes: readonly ErrorShape[] = []): AppMiddleware {
  return async function handleErrors(ctx, next) {
    try {
      await next();
      // Nothing answered: no route matched, or the router rejected the method.
      if (ctx.body === undefined || ctx.body === null) {
        // The router answers 501 for a method outside its list (TRACE, PROPFIND, ...). Our rule
        // is the same for every method: a path with routes is 405 with their Allow list, any
        // other 404. A 501 is a 5xx, so every scanner's probe would count as a server error.
        const status = ctx.status === 501 ? (ctx.response.get('Allow') ? 405 : 404) : ctx.status;
        if (status === 404) {
          ctx.status = 404;
          ctx.remove('Allow');
          ctx.body = errorBody([`no route for ${ctx.method} ${ctx.path}`]);
        } else if (status === 405) {
          ctx.body = errorBody([`method ${ctx.method} is not allowed on ${ctx.path}`]);
          ctx.status = 405;
        }
      }
    } catch (error) {
      const { status, messages } = describeError(error);
      const requestId = ctx.state.requestId ?? '';
      serverErrors.record(error, status, reportContext(ctx), { method: ctx.method, path: ctx.path });
      const safeMessages = status === 500 ? [`internal server error (request id ${requestId})`] : messages;
      ctx.status = status;
      if (status === 503) ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
      if (error instanceof RateLimited) ctx.set('Retry-After', String(error.retryAfterSeconds));
      const shape = shapes.find((candidate) => candidate.appliesTo(ctx));
      if (shape) {
        shape.respond(ctx, error, { status, messages: safeMessages });
        return;
      }
      ctx.body = errorBody(safeMessages);
      if (status === 401) ctx.set('WWW-Authenticate', 'Token');
    }
  };
}

/** Where a request failed, for the error report: the route's template once a route matched. */
function reportContext(ctx: AppContext): ErrorContext {
  // @koa/router records the matched route's template; before routing there is only the path.
  const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  return {
    source: 'http',
    requestId: ctx.state.requestId,
    method: ctx.method,
    route: typeof matched === 'string' ? matched : ctx.path,
    userId: ctx.state.authentication?.user?.id,
  };
}

export function errorBody(messages: string[]) {
  return { errors: { body: messages } };
}

/** Maps any thrown value to the status and client-safe messages it deserves. */
export function describeError(error: unknown): ErrorDescription {
  if (error instanceof DomainError) return { status: statusOfDomainError(error), messages: error.messages };
  if (error instanceof ApiError) return { status: error.httpCode, messages: error.messages };

  // A unique index that caught what a service's check did not (a race); services that own the
  // field turn it into AlreadyTaken themselves, this is the net for the rest.
  const takenField = uniqueViolationField(error);
  if (takenField !== undefined) {
    return { status: 422, messages: [takenField ? `${takenField} has already been taken` : 'already exists'] };
  }
  if (error instanceof OrmNotFoundError) return { status: 404, messages: ['not found'] };
  // The database is down, restarting, frozen or the pool is exhausted: temporary, worth a retry.
  if (isDatabaseUnavailable(error)) return { status: 503, messages: [UNAVAILABLE_MESSAGE] };

  if (error instanceof HttpError) return describeRoutingControllersError(error);

  // Errors raised with ctx.throw or http-errors (body reading has its own mapping in json-body).
  const httpLike = error as { status?: unknown; expose?: unknown };
  // Stryker disable next-line EqualityOperator: a 500 let through here gets the same status and message as below
  if (typeof httpLike?.status === 'number' && httpLike.status >= 400 && httpLike.status < 500) {
    return { status: httpLike.status, messages: [(STATUS_CODES[httpLike.status] ?? 'error').toLowerCase()] };
  }

  return { status: 500, messages: ['internal server error'] };
}

/** The status each domain failure is answered with; the messages are the domain's own. */
function statusOfDomainError(error: DomainError): number {
  if (error instanceof NotFound) return 404;
  if (error instanceof Forbidden) return 403;
  if (error instanceof Unauthenticated) return 401;
  // A taken email or username is a field that fails validation, as the unique-index race is below.
  if (error instanceof AlreadyTaken || error instanceof Invalid) return 422;
  if (error instanceof RateLimited) return 429;
  // RFC 6749 §5.2: 400, except a failed client authentication.
  if (error instanceof OAuthRefusal) return error.code === 'invalid_client' ? 401 : 400;
  return 500;
}

function describeRoutingControllersError(error: HttpError): ErrorDescription {
  const validationErrors = (error as { errors?: unknown }).errors;
  if (Array.isArray(validationErrors)) {
    const messages = flattenValidationErrors(validationErrors as ValidationError[]);
    return { status: 422, messages: messages.length > 0 ? messages : ['request body is invalid'] };
  }
  switch (error.name) {
    case 'AuthorizationRequiredError':
      return { status: 401, messages: ['missing or invalid authorization token'] };
    case 'AccessDeniedError':
      return { status: 403, messages: ['you are not allowed to do this'] };
    case 'ParamNormalizationError':
    case 'ParameterParseJsonError': {
      // Their messages quote the submitted value; name the parameter only.
      const name = /parameter "?([\w.-]+)"? is invalid/i.exec(error.message)?.[1] ?? 'parameter';
      return { status: 422, messages: [`${name} is invalid`] };
    }
    case 'ParamRequiredError':
      // "Query parameter "tag" is required for request on GET /x": names the parameter only.
      // Stryker disable next-line Regex: the message is one line, so .* reaches its end with or without $
      return { status: 422, messages: [error.message.replace(/ for request on .*$/, '')] };
    default: {
      const status = error.httpCode >= 400 && error.httpCode < 600 ? error.httpCode : 500;
      return { status, messages: [(STATUS_CODES[status] ?? 'error').toLowerCase()] };
    }
  }
}
