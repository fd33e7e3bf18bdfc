import Ajv, { type ValidateFunction } from 'ajv';

/** What a spec's request got back, as the contract checks see it. */
export interface Exchange {
  method: string;
  /** The path, without query string. */
  path: string;
  status: number;
  contentType: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
  /** The body's length in bytes (0: no body). */
  size: number;
}

interface OpenApiLike {
  paths: Record<string, Record<string, OperationLike>>;
  components?: { responses?: Record<string, ResponseLike>; schemas?: Record<string, unknown> };
}
interface OperationLike {
  responses: Record<string, ResponseLike>;
}
interface ResponseLike {
  $ref?: string;
  content?: Record<string, { schema?: unknown }>;
}

export interface ContractOptions {
  /** Prefix of every path in the document (the RealWorld contract's server URL ends in `/api`). */
  pathPrefix?: string;
  /**
   * `strict` (our own document): every exchange must match an operation and a documented status,
   * and a status documented without content must come with an empty body.
   * `shared` (a foreign contract): only exchanges whose operation and status it documents are
   * checked, and only their JSON bodies.
   */
  mode: 'strict' | 'shared';
}

// Statuses any request may get before routing: the URL guard, the body reader, the error
// boundary, a database that does not answer.
const BEFORE_ROUTING = new Set([400, 413, 415, 422, 500, 503]);
const ERROR_SCHEMA = {
  type: 'object',
  required: ['errors'],
  additionalProperties: false,
  properties: {
    errors: {
      type: 'object',
      required: ['body'],
      additionalProperties: false,
      properties: { body: { type: 'array', items: { type: 'string' } } },
    },
  },
};

interface Route {
  template: string;
  pattern: RegExp;
  operations: Record<string, OperationLike>;
}

/**
 * Checks responses against an OpenAPI document: the request's method and path are mapped to an
 * operation (`/api/articles/abc` → `/api/articles/{slug}`), its status must be one the operation
 * documents, and a JSON body must match that status's schema (ajv, with the document's own
 * components for `$ref`s). Returns what is wrong, one line per problem; an empty list is a pass.
 */
export class ContractChecker {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly routes: Route[];
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly errorBody: ValidateFunction;

  constructor(
    private readonly document: OpenApiLike,
    private readonly options: ContractOptions,
  ) {
    this.ajv.addSchema(document as object, 'document');
    this.errorBody = this.ajv.compile(ERROR_SCHEMA);
    const prefix = options.pathPrefix ?? '';
    this.routes = Object.entries(document.paths)
      .map(([template, operations]) => ({
        template,
        operations,
        pattern: new RegExp(`^${escapeRegExp(prefix + template).replace(/\\\{[^}]+\\\}/g, '[^/]+')}$`),
      }))
      // Literal paths before templated ones: /api/articles/feed is not the article "feed".
      .sort((a, b) => countParams(a.template) - countParams(b.template));
  }

  check(exchange: Exchange): string[] {
    const label = `${exchange.method} ${exchange.path} → ${exchange.status}`;
    const strict = this.options.mode === 'strict';
    // A CORS preflight: the CORS middleware answers every OPTIONS request with 204, on any path.
    if (exchange.method === 'OPTIONS') {
      return strict && (exchange.status !== 204 || exchange.size > 0)
        ? [`${label}: a preflight answers 204, empty`]
        : [];
    }
    const path = exchange.path.length > 1 ? exchange.path.replace(/\/+$/, '') : exchange.path;
    const route = this.routes.find((candidate) => candidate.pattern.test(path));
    const method = exchange.method === 'HEAD' ? 'get' : exchange.method.toLowerCase();
    const operation = route?.operations[method];
    if (!route || !operation) {
      if (!strict) return [];
      // No such path: 404; a path served for other methods: 405. Both in the error shape.
      const expected = route ? 405 : 404;
      if (exchange.status !== expected && !BEFORE_ROUTING.has(exchange.status)) {
        return [`${label}: not in the document, so ${expected} (or an error before routing) was expected`];
      }
      return this.checkErrorBody(label, exchange);
    }
    const where = `${method.toUpperCase()} ${route.template}`;
    const response = this.resolve(operation.responses[String(exchange.status)] ?? operation.responses.default);
    if (!response) {
      return strict ? [`${label}: status ${exchange.status} is not documented for ${where}`] : [];
    }
    const content = response.content ?? {};
    const types = Object.keys(content);
    if (types.length === 0) {
      return strict && exchange.size > 0 && exchange.method !== 'HEAD'
        ? [`${label}: ${where} documents no body for ${exchange.status}, got ${exchange.size} bytes`]
        : [];
    }
    const mediaType = exchange.contentType.split(';')[0].trim().toLowerCase();
    // HEAD answers with the GET's status and headers and never a body (RFC 9110 §9.3.2).
    if (exchange.method === 'HEAD') return [];
    if (exchange.size === 0) {
      return strict ? [`${label}: ${where} documents a body (${types.join(', ')}), got none`] : [];
    }
    if (!types.includes(mediaType)) {
      return strict ? [`${label}: content-type ${mediaType || '(none)'} is not one of ${types.join(', ')}`] : [];
    }
    if (mediaType !== 'application/json' || content[mediaType].schema === undefined) return [];
    const statusKey = operation.responses[String(exchange.status)] ? String(exchange.status) : 'default';
    const validate = this.validator(route.template, method, statusKey, response);
    if (validate(exchange.json)) return [];
    return [`${label}: body does not match ${where}'s ${statusKey} schema: ${this.ajv.errorsText(validate.errors)}`];
  }

  private checkErrorBody(label: string, exchange: Exchange): string[] {
    if (this.errorBody(exchange.json)) return [];
    return [
      `${label}: expected the error body {"errors":{"body":[...]}}: ${this.ajv.errorsText(this.errorBody.errors)}`,
    ];
  }

  private resolve(response: ResponseLike | undefined): ResponseLike | undefined {
    if (!response?.$ref) return response;
    const name = response.$ref.replace('#/components/responses/', '');
    return this.document.components?.responses?.[name];
  }

  /** The status's JSON schema, compiled within the document so its `$ref`s resolve. */
  private validator(template: string, method: string, status: string, response: ResponseLike): ValidateFunction {
    const key = `${method} ${template} ${status}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      // A response given by reference lives in components, a written-out one in the operation.
      const operationResponse = this.document.paths[template][method].responses[status];
      const pointer = operationResponse.$ref
        ? `${operationResponse.$ref}/content/application~1json/schema`
        : `#/paths/${escapePointer(template)}/${method}/responses/${status}/content/application~1json/schema`;
      validate = this.ajv.getSchema(`document${pointer}`);
      if (!validate)
        throw new Error(`no schema at ${pointer} (${response.content ? 'content present' : 'no content'})`);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function countParams(template: string): number {
  return (template.match(/\{/g) ?? []).length;
}
