import type { defaultMetadataStorage as MetadataStorage } from 'class-transformer/types/storage';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { OpenAPIObject, PathsObject, ResponsesObject } from 'openapi3-ts';
import { getMetadataArgsStorage } from 'routing-controllers';
import { OpenAPI, routingControllersToSpec } from 'routing-controllers-openapi';
import { version } from '../../../package.json';
import { GRAPHQL_PATH, GRAPHQL_SCHEMAS, graphqlPathItem } from '../../graphql/openapi-path';
import { describeOperation, documentedOperation, ERROR_DESCRIPTIONS, TOKEN_SCHEME } from './documented';
// Its schema is referenced by every error response; importing it registers its decorators.
import './error-response.dto';

/**
 * The OpenAPI 3 document of the given controllers, generated from their decorators: routes and
 * parameters by routing-controllers-openapi, request and response schemas from the DTO classes'
 * class-validator decorators (class-validator-jsonschema), statuses and security from
 * `@Documented`. Pure: no server, no database.
 */
export function buildOpenApiDocument(controllers: readonly (new (...args: never[]) => unknown)[]): OpenAPIObject {
  const storage = getMetadataArgsStorage();
  const listed = new Set<unknown>(controllers);
  // Only the app's controllers: the registry is process-wide, and specs may declare others.
  const ours = Object.create(storage) as typeof storage;
  ours.controllers = storage.controllers.filter((controller) => listed.has(controller.target));
  ours.actions = storage.actions.filter((action) => listed.has(action.target));

  // Not exported from the package root; nested DTOs (`@Type(() => X)`) are read from it.
  const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
    defaultMetadataStorage: typeof MetadataStorage;
  };
  applyDocumentedOperations(ours.actions);
  const generated = validationMetadatasToSchemas({
    classTransformerMetadataStorage: defaultMetadataStorage,
    refPointerPrefix: '#/components/schemas/',
  });
  // By name: the generator lists them in the order their modules were loaded, which differs
  // between the server, the CLI and the specs.
  const schemas = Object.fromEntries(
    Object.entries({ ...generated, ...GRAPHQL_SCHEMAS }).sort(([a], [b]) => a.localeCompare(b)),
  );
  const document = routingControllersToSpec(
    ours,
    {},
    {
      info: {
        title: 'koa-conduit',
        version,
        description:
          'The RealWorld "Conduit" API. Send the token from login or registration as ' +
          '`Authorization: Token <jwt>` (`Bearer <jwt>` and `JWT <jwt>` are accepted too). Every error ' +
          'answers `{"errors": {"body": ["..."]}}`. A method a path does not serve is answered 405 with ' +
          'an `Allow` header, and a path that does not exist 404, both with that body.',
      },
      components: {
        schemas,
        securitySchemes: {
          [TOKEN_SCHEME]: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description: '`Token <jwt>` (RealWorld); `Bearer <jwt>` and `JWT <jwt>` are accepted too',
          },
        },
        responses: errorResponses(),
      },
    },
  );
  // The usual reading order: version, info, paths, then the components they refer to.
  const { openapi, info, paths, components, ...rest } = document;
  // /graphql is middleware, not a controller: it describes itself.
  const allPaths = {
    ...withIdempotencyKeys(withReadValidators(withoutTrailingSlashes(paths))),
    [GRAPHQL_PATH]: graphqlPathItem(),
  };
  return { openapi, info, paths: allPaths, components, ...rest };
}

const RATE_LIMIT_HEADERS = {
  'Retry-After': { description: 'seconds until the exceeded limit resets', schema: { type: 'integer' } },
  RateLimit: { description: 'per limit: `"name";r=<remaining>;t=<seconds to reset>`', schema: { type: 'string' } },
  'RateLimit-Policy': { description: 'per limit: `"name";q=<quota>;w=<window seconds>`', schema: { type: 'string' } },
};

function errorResponses(): ResponsesObject {
  const responses: ResponsesObject = {};
  for (const [status, description] of Object.entries(ERROR_DESCRIPTIONS)) {
    responses[`Error${status}`] = {
      description,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
      ...(status === '429' && { headers: RATE_LIMIT_HEADERS }),
    };
  }
  return responses;
}

/**
 * `@Get('/')` on a controller at `/api/tags` makes `/api/tags/`; the router answers both, and
 * clients (and the RealWorld contract) use the form without the slash.
 */
function withoutTrailingSlashes(paths: PathsObject): PathsObject {
  const cleaned: PathsObject = {};
  for (const [path, item] of Object.entries(paths)) {
    const key = path.length > 1 ? path.replace(/\/+$/, '') : path;
    cleaned[key] = { ...cleaned[key], ...item };
  }
  return cleaned;
}

/** The 304 that every GET under /api can answer (src/http/conditional-get.ts). */
function withReadValidators(paths: PathsObject): PathsObject {
  const result: PathsObject = {};
  for (const [path, item] of Object.entries(paths)) {
    const read = item.get;
    result[path] =
      read && path.startsWith('/api/')
        ? {
            ...item,
            get: {
              ...read,
              responses: {
                ...read.responses,
                304: {
                  description:
                    'Not Modified: `If-None-Match` lists the current `ETag` (a weak tag of the JSON body, sent ' +
                    'with every 200 here, with `Cache-Control: no-cache` and `Vary: Authorization`)',
                },
              },
            },
          }
        : item;
  }
  return result;
}

/** The optional `Idempotency-Key` of every POST under /api (src/http/idempotency.ts); used with a token. */
function withIdempotencyKeys(paths: PathsObject): PathsObject {
  const result: PathsObject = {};
  for (const [path, item] of Object.entries(paths)) {
    const write = item.post;
    if (!write || !path.startsWith('/api/')) {
      result[path] = item;
      continue;
    }
    const errorRef = (status: number) => ({ $ref: `#/components/responses/Error${status}` });
    result[path] = {
      ...item,
      post: {
        ...write,
        parameters: [
          ...(write.parameters ?? []),
          {
            in: 'header',
            name: 'Idempotency-Key',
            required: false,
            description:
              'With a token, makes a retry safe: the first answer (below 500) is kept for 24 hours, per caller and path, and ' +
              'replayed to a retry with the same key and body (`Idempotent-Replayed: true`) without doing the ' +
              'work again. 409 while the first request runs; 422 for the same key with another body.',
            schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
          },
        ],
        responses: { 422: errorRef(422), ...write.responses, 409: errorRef(409) },
      },
    };
  }
  return result;
}

const applied = new WeakSet<object>();

/** Hands each action's `@Documented` description to routing-controllers-openapi, once per action. */
function applyDocumentedOperations(actions: ReturnType<typeof getMetadataArgsStorage>['actions']): void {
  for (const { target, method } of actions) {
    const description = documentedOperation(target, method);
    const key = target.prototype[method] as object;
    if (!description || applied.has(key)) continue;
    applied.add(key);
    const descriptor = Object.getOwnPropertyDescriptor(target.prototype, method) as PropertyDescriptor;
    OpenAPI((operation) => describeOperation(operation, description))(target.prototype, method, descriptor);
  }
}
