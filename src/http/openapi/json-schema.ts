/**
 * The schema decorator for DTO classes, alone: the package root also loads the schema generator,
 * which only the OpenAPI document needs, and every module loaded at start-up delays a Lambda
 * cold start.
 */
export { JSONSchema } from 'class-validator-jsonschema/build/decorators';
