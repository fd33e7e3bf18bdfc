import { type ClassConstructor, plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { Invalid } from '../domain/errors';
import { flattenValidationErrors } from '../validation/flatten-errors';

/**
 * GraphQL arguments checked by the REST request DTO for the same input, with the options
 * `useKoaServer` validates bodies and queries with (src/app.ts): one set of rules for both
 * transports. A failure is the domain's `Invalid` (BAD_USER_INPUT, every message listed).
 */
export async function validInput<T extends object>(dto: ClassConstructor<T>, plain: object): Promise<T> {
  // graphql-js builds input objects without a prototype; the DTO wants ordinary objects.
  const instance = plainToInstance(dto, JSON.parse(JSON.stringify(plain)) as object);
  const errors = await validate(instance, {
    whitelist: true,
    // Stryker disable next-line BooleanLiteral: the instance is always the DTO's (plainToInstance above), never an unknown object.
    forbidUnknownValues: true,
    stopAtFirstError: true,
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: only the messages are read (flattenValidationErrors); target and value never leave.
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) {
    const messages = flattenValidationErrors(errors);
    throw new Invalid(messages.length > 0 ? messages : ['the input is invalid']);
  }
  return instance;
}
