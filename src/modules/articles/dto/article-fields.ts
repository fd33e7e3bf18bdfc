export const TITLE_MAX = 255;
export const DESCRIPTION_MAX = 1_000;
export const BODY_MAX = 100_000;
export const TAGS_MAX = 20;
export const TAG_MAX = 64;
/** Page size when the client gives none, and the most one page may hold (larger asks are clamped). */
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** PostgreSQL's OFFSET takes a bigint, but nobody pages two billion rows in. */
export const MAX_OFFSET = 2_147_483_647;
export const NOT_BLANK = /\S/;

/** Tags are compared and stored lower-case, trimmed, without duplicates, sorted. */
export function normalizeTags(tags: readonly string[]): string[] {
  const cleaned = tags.map((tag) => tag.trim().replace(/\s+/g, ' ').toLowerCase()).filter((tag) => tag.length > 0);
  return [...new Set(cleaned)].sort();
}
