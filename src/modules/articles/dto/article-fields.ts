export const TITLE_MAX = 255;
export const DESCRIPTION_MAX = 1_000;
export const BODY_MAX = 100_000;
export const TAGS_MAX = 20;
export const TAG_MAX = 64;
/** Page size when the client gives none, and the most one page may hold (larger asks are clamped). */
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
export const NOT_BLANK = /\S/;
