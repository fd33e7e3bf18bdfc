import type { ValidationError } from 'class-validator';

/** class-validator's tree → `["email must be an email", ...]`, nested DTOs included. */
export function flattenValidationErrors(errors: ValidationError[]): string[] {
  const messages: string[] = [];
  for (const error of errors) {
    if (error.constraints) messages.push(...Object.values(error.constraints));
    if (error.children?.length) messages.push(...flattenValidationErrors(error.children));
  }
  return [...new Set(messages)];
}
