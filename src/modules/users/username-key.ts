/**
 * The key under which usernames are unique and looked up: two names with the same key look the
 * same to a reader, so only one of them may exist. Built in four steps:
 *
 * 1. NFKC: compatibility forms become plain ones (full-width `ＡＤＭＩＮ` → `ADMIN`, `ﬁ` → `fi`,
 *    superscripts → digits) and composed and decomposed accents become one spelling.
 * 2. Case fold: upper then lower case, so that `ß`, `ẞ` and `SS` all end as `ss`, and Turkish
 *    dotted and dotless i end as `i`.
 * 3. Look-alikes: a Cyrillic or Greek letter whose capital or small form is drawn like a Latin
 *    letter becomes that Latin letter (table below). The key ignores case, so the table maps the
 *    small letters, choosing the capital's likeness where the two differ (Greek `Η`/`η`: `h`).
 * 4. NFKC again, so that a mapped letter and a combining accent after it compose as Latin ones do.
 *
 * Deliberately not folded: digits against letters (`1`/`l`, `0`/`o`) and punctuation (`_`, `.`,
 * `-`), which would merge names people really do tell apart. The table covers the letters that
 * impersonation with usernames uses in practice, not every confusable in Unicode.
 */
export function usernameKey(username: string): string {
  const folded = username.normalize('NFKC').toUpperCase().toLowerCase();
  let latin = '';
  for (const character of folded) latin += LOOK_ALIKES.get(character) ?? character;
  return latin.normalize('NFKC');
}

// Pairs of (small Cyrillic or Greek letter, the Latin letter it or its capital is drawn like).
const LOOK_ALIKE_PAIRS: readonly (readonly [string, string])[] = [
  // Cyrillic
  ['\u0430', 'a'], // а А
  ['\u0432', 'b'], // в В
  ['\u0435', 'e'], // е Е
  ['\u043a', 'k'], // к К
  ['\u043c', 'm'], // м М
  ['\u043d', 'h'], // н Н
  ['\u043e', 'o'], // о О
  ['\u0440', 'p'], // р Р
  ['\u0441', 'c'], // с С
  ['\u0442', 't'], // т Т
  ['\u0443', 'y'], // у У
  ['\u0445', 'x'], // х Х
  ['\u0455', 's'], // ѕ Ѕ
  ['\u0456', 'i'], // і І
  ['\u0458', 'j'], // ј Ј
  ['\u04af', 'y'], // ү Ү
  ['\u04bb', 'h'], // һ Һ
  ['\u04cf', 'l'], // ӏ Ӏ (palochka)
  ['\u0501', 'd'], // ԁ
  ['\u051b', 'q'], // ԛ Ԛ
  ['\u051d', 'w'], // ԝ Ԝ
  ['\u0451', '\u00eb'], // ё Ё → ë
  ['\u0457', '\u00ef'], // ї Ї → ï
  // Greek
  ['\u03b1', 'a'], // α Α
  ['\u03b2', 'b'], // β Β
  ['\u03b5', 'e'], // ε Ε
  ['\u03b6', 'z'], // ζ Ζ
  ['\u03b7', 'h'], // η Η
  ['\u03b9', 'i'], // ι Ι
  ['\u03ba', 'k'], // κ Κ
  ['\u03bc', 'm'], // μ Μ
  ['\u03bd', 'n'], // ν Ν
  ['\u03bf', 'o'], // ο Ο
  ['\u03c1', 'p'], // ρ Ρ
  ['\u03c4', 't'], // τ Τ
  ['\u03c5', 'y'], // υ Υ
  ['\u03c7', 'x'], // χ Χ
];

const LOOK_ALIKES: ReadonlyMap<string, string> = new Map(LOOK_ALIKE_PAIRS);

/**
 * Usernames are stored and looked up in Unicode NFC, so "é" typed as one code point or as "e" plus
 * a combining accent is one name, not two look-alike accounts.
 */
export function normalizeUsername(username: string): string {
  return username.normalize('NFC');
}
