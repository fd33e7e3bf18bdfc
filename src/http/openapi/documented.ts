import type { OperationObject, RequestBodyObject, ResponseObject, ResponsesObject } from 'openapi3-ts';

/** Who may call an operation: `required` needs a token; `optional` reads one when it is sent. */
export type Auth = 'required' | 'optional' | 'none';

/**
 * A response class (its schema is generated from its decorators), plain text, no body, or a
 * response object written out (documents and assets).
 */
export type ResponseBody = (new () => object) | 'text' | 'none' | ResponseObject;

export interface OperationDescription {
  summary: string;
  description?: string;
  auth?: Auth;
  /** The success statuses and their bodies, e.g. `{ 201: SingleArticleResponse }`. */
  responses: Record<number, ResponseBody>;
  /** The failures the operation's own logic may answer (404, 403, 422...), beyond the common ones. */
  errors?: number[];
  /** Whether it reads a JSON body: adds 400 (malformed), 413, 415 and 422 (shape, validation). */
  body?: boolean;
  /** The request body, written out, when the action reads one no DTO describes (other media types). */
  requestBody?: RequestBodyObject;
  /** Every error is answered in the operation's own `responses`: no common error is added. */
  ownErrors?: boolean;
}

/** The name of the security scheme in the document's components. */
export const TOKEN_SCHEME = 'Token';

/** Why each error status may be answered; the body is always the RealWorld error shape. */
export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request: a URL that is not correctly percent-encoded or holds NUL, or a body that is not valid JSON',
  401: 'Missing, invalid or expired token (`WWW-Authenticate: Token`)',
  403: 'The caller may not do this (not the owner)',
  404: 'Not found',
  409: 'A request with the same `Idempotency-Key` is still being processed; retry after `Retry-After` seconds',
  413: 'Request body larger than the configured limit',
  415: 'Unsupported `Content-Encoding` of the request body',
  422: 'Invalid input: a field that fails validation, a body beyond the shape limits, a taken value, or an `Idempotency-Key` reused with another body',
  429: 'Too many attempts (an abuse limit): retry after `Retry-After` seconds; `RateLimit` and `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers-10) say which limit',
  500: 'Internal server error (the message names a request id; no details)',
  503: 'The database is unavailable or not ready yet; retry after `Retry-After` seconds',
};

// Any request may meet a bad URL, a crash, or a database that does not answer.
const COMMON_ERRORS = [400, 500, 503];
const BODY_ERRORS = [400, 413, 415, 422];

const descriptions = new Map<object, Map<string, OperationDescription>>();

/**
 * Documents one action: summary, security, and every status it may answer, each with its body
 * schema. The document builder (document.ts) applies it over what routing-controllers-openapi
 * infers (one 2xx, no schema, and 200 for `@OnUndefined(204)` actions), so the document lists
 * exactly what the app sends. Kept here rather than in routing-controllers-openapi's `@OpenAPI`,
 * so that serving requests never loads that package: only building the document does.
 */
export function Documented(description: OperationDescription) {
  return (prototype: object, method: string) => {
    const byMethod = descriptions.get(prototype.constructor) ?? new Map<string, OperationDescription>();
    byMethod.set(method, description);
    descriptions.set(prototype.constructor, byMethod);
  };
}

/** What `@Documented` said about an action, if anything. */
export function documentedOperation(controller: object, method: string): OperationDescription | undefined {
  return descriptions.get(controller)?.get(method);
}

export function describeOperation(operation: OperationObject, description: OperationDescription): OperationObject {
  const auth = description.auth ?? 'none';
  const errors = new Set([
    ...(description.ownErrors ? [] : COMMON_ERRORS),
    ...(auth === 'none' ? [] : [401]),
    ...(description.body ? BODY_ERRORS : []),
    ...(description.errors ?? []),
  ]);
  const responses: ResponsesObject = {};
  for (const [status, body] of Object.entries(description.responses)) {
    responses[status] = successResponse(body);
  }
  for (const status of [...errors].sort((a, b) => a - b)) {
    // A status the operation describes itself (GET /health's 503) keeps its own body.
    if (String(status) in responses) continue;
    responses[String(status)] = { $ref: `#/components/responses/Error${status}` };
  }
  const described: OperationObject = {
    ...operation,
    summary: description.summary,
    responses,
  };
  if (description.description) described.description = description.description;
  if (description.requestBody) described.requestBody = description.requestBody;
  // `security: []` says "no token"; optional auth lists both the token and no requirement.
  if (auth === 'required') described.security = [{ [TOKEN_SCHEME]: [] }];
  else if (auth === 'optional') described.security = [{ [TOKEN_SCHEME]: [] }, {}];
  else described.security = [];
  return described;
}

function successResponse(body: ResponseBody) {
  if (body === 'none') return { description: 'No content' };
  if (typeof body === 'object') return body;
  if (body === 'text') return { description: 'Plain text', content: { 'text/plain': { schema: { type: 'string' } } } };
  return {
    description: body.name,
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${body.name}` } } },
  };
}
