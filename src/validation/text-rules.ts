import { ValidateBy, type ValidationArguments, type ValidationOptions } from 'class-validator';

/**
 * What text a request may carry. JSON can encode strings that are not Unicode text (a lone
 * surrogate, `\ud800`) and characters that are text but deceive a reader: control characters
 * (a terminal escape, a bell) and the bidirectional embeddings, overrides and isolates that can
 * make `evil.exe` display as `exe.live`. PostgreSQL silently stores a lone surrogate as U+FFFD, so
 * what was echoed in a 201 was not what was saved. Refused, 422, in every text field.
 *
 * - `single-line` (titles, descriptions, tags, names, emails): no control character at all,
 *   line and paragraph separators (U+2028, U+2029) included.
 * - `multi-line` (article and comment bodies, bio): line feed, carriage return and tab allowed.
 * - `unicode-only` (passwords): only well-formedness, since a password is never displayed; a lone
 *   surrogate would otherwise hash as U+FFFD and match a different password.
 *
 * The invisible left-to-right and right-to-left marks (U+200E, U+200F, U+061C) stay allowed in
 * free text: they only nudge neutral characters, and mixed Hebrew or Arabic text needs them.
 * Usernames refuse them anyway (USERNAME_PATTERN admits letters, marks, digits and `_.-` only).
 */
export type TextKind = 'single-line' | 'multi-line' | 'unicode-only';

// With the `u` flag, a surrogate range matches only surrogates that are not part of a pair.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
// C0 controls, DEL and C1 controls (\p{Cc}), and the Unicode line and paragraph separators.
const CONTROL_SINGLE_LINE = /[\p{Cc}\u2028\u2029]/u;
// Any control character except line feed, carriage return and tab.
const CONTROL_MULTI_LINE = /(?![\t\n\r])\p{Cc}/u;
const BIDI_OVERRIDE = /[\u202A-\u202E\u2066-\u2069]/u;

/** Why `text` is not acceptable as `kind`, as the end of a sentence; undefined when it is. */
export function textProblem(text: string, kind: TextKind): string | undefined {
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode text (it has a lone surrogate)';
  if (kind === 'unicode-only') return undefined;
  if (kind === 'single-line' && CONTROL_SINGLE_LINE.test(text)) {
    return 'must not contain line breaks, tabs or other control characters';
  }
  if (kind === 'multi-line' && CONTROL_MULTI_LINE.test(text)) {
    return 'must not contain control characters other than line breaks and tabs';
  }
  if (BIDI_OVERRIDE.test(text)) {
    return 'must not contain bidirectional embedding, override or isolate characters (U+202A-U+202E, U+2066-U+2069)';
  }
  return undefined;
}

/**
 * class-validator rule: the string (or, with `each`, every string in the array) is acceptable
 * text of this kind. Non-strings pass, so `@IsString()` reports them with its own message.
 */
export function IsText(kind: TextKind, options?: ValidationOptions & { subject?: string }): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isText',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || textProblem(value, kind) === undefined,
        defaultMessage: (args?: ValidationArguments) => {
          // With `each`, the arguments carry the whole array: name the first offending item's fault.
          const values: unknown[] = Array.isArray(args?.value) ? args.value : [args?.value];
          const problem = values
            .map((value) => (typeof value === 'string' ? textProblem(value, kind) : undefined))
            .find((found) => found !== undefined);
          const subject = options?.subject ?? args?.property ?? 'value';
          return `${subject} ${problem ?? 'is not acceptable text'}`;
        },
      },
    },
    options,
  );
}
