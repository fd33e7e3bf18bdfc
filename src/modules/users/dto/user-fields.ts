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
