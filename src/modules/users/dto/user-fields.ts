/**
 * Shared rules for user fields. Usernames appear in URLs (/profiles/:username), so they are
 * letters (any script), digits, `_`, `.` and `-`.
 */
// Letters with their combining marks (needed by many scripts, e.g. Devanagari), digits, "_", "." and "-".
export const USERNAME_PATTERN = /^[\p{L}\p{M}\p{N}_.-]+$/u;
export const USERNAME_MAX = 64;
export const EMAIL_MAX = 255;
export const PASSWORD_MIN = 8;
// argon2 hashes any length, but a megabyte password is only a way to burn our CPU.
export const PASSWORD_MAX = 256;
export const BIO_MAX = 2000;
export const IMAGE_MAX = 1000;

/**
 * Usernames are stored and looked up in Unicode NFC, so "é" typed as one code point or as "e" plus
 * a combining accent is one name, not two look-alike accounts.
 */
export function normalizeUsername(username: string): string {
  return username.normalize('NFC');
}
