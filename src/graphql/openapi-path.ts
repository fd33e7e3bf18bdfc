import type { PathItemObject, ResponseObject, SchemaObject } from 'openapi3-ts';

/** Where the GraphQL endpoint is served. Kept here, free of the GraphQL stack, for the document. */
export const GRAPHQL_PATH = '/graphql';

const GRAPHQL_ERROR: SchemaObject = {
  type: 'object',
  required: ['message'],
  properties: {
    message: { type: 'string' },
    locations: {
      type: 'array',
      items: { type: 'object', properties: { line: { type: 'integer' }, column: { type: 'integer' } } },
    },
    path: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'integer' }] } },
    extensions: {
      type: 'object',
      description:
        '`code`: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT (with `messages`), TOO_MANY_REQUESTS (an abuse limit, with `Retry-After`), SERVICE_UNAVAILABLE, ' +
        'INTERNAL_SERVER_ERROR (with `requestId`), or the code of a limit (QUERY_TOO_DEEP, ...)',
      properties: { code: { type: 'string' } },
    },
  },
};

const GRAPHQL_RESULT: SchemaObject = {
  type: 'object',
  properties: {
    data: { type: 'object', nullable: true },
    errors: { type: 'array', items: { $ref: '#/components/schemas/GraphqlError' } },
  },
};

/** The schemas the GraphQL path refers to, for the document's components. */
export const GRAPHQL_SCHEMAS: Record<string, SchemaObject> = {
  GraphqlError: GRAPHQL_ERROR,
  GraphqlResult: GRAPHQL_RESULT,
};

/** A GraphQL-shaped answer, in both media types the endpoint negotiates from `Accept`. */
function graphqlAnswer(description: string): ResponseObject {
  const content = { schema: { $ref: '#/components/schemas/GraphqlResult' } };
  return { description, content: { 'application/json': content, 'application/graphql-response+json': content } };
}

const RESPONSES = {
  200: graphqlAnswer('The result: `data`, and `errors` for the fields that failed (each with `extensions.code`)'),
  400: graphqlAnswer(
    'No query, a document that does not parse or validate, a limit exceeded (depth, cost, aliases, tokens, ' +
      'introspection), or a JSON array of operations (BATCHING_NOT_SUPPORTED)',
  ),
  406: graphqlAnswer('`Accept` names no media type the endpoint can answer in'),
  413: graphqlAnswer('Body larger than `GRAPHQL_BODY_LIMIT`'),
  415: graphqlAnswer('A body that is not JSON, or an unsupported `Content-Encoding`'),
  500: { $ref: '#/components/responses/Error500' },
  503: { $ref: '#/components/responses/Error503' },
};

const SUMMARY_NOTE =
  'GraphQL over HTTP (see README "GraphQL"): the same services, token and rules as the REST routes. ' +
  'Send the token as for REST (`Authorization: Token <jwt>`). Other methods are 405 with `Allow: GET, POST`.';

/** `GET` and `POST /graphql` as the OpenAPI document shows them. */
export function graphqlPathItem(): PathItemObject {
  return {
    get: {
      summary: 'Run a GraphQL query (no mutations) given in the query string',
      description: SUMMARY_NOTE,
      tags: ['GraphQL'],
      security: [{}, { Token: [] }],
      parameters: [
        { in: 'query', name: 'query', required: true, schema: { type: 'string' } },
        { in: 'query', name: 'variables', schema: { type: 'string', description: 'JSON object' } },
        { in: 'query', name: 'operationName', schema: { type: 'string' } },
      ],
      responses: { ...RESPONSES, 405: graphqlAnswer('A mutation sent with GET (`Allow: POST`)') },
    },
    post: {
      summary: 'Run a GraphQL query or mutation',
      description: SUMMARY_NOTE,
      tags: ['GraphQL'],
      security: [{}, { Token: [] }],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['query'],
              properties: {
                query: { type: 'string' },
                variables: { type: 'object', nullable: true },
                operationName: { type: 'string', nullable: true },
                extensions: { type: 'object', nullable: true },
              },
            },
          },
        },
      },
      responses: RESPONSES,
    },
  };
}
