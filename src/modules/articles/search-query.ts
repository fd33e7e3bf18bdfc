/**
 * `?search=` text → a PostgreSQL tsquery, built here from words and never from the text itself:
 * `to_tsquery` has a syntax of its own (`&`, `|`, `!`, `<->`, `:*`, quotes, parentheses) in which
 * user text would be an error (a 500) or a different query.
 *
 * - Words are runs of Unicode letters, combining marks and digits; everything else separates them
 *   (`state-of-the-art` is four words, `don't` two), as PostgreSQL's own parser splits the text it
 *   indexes. Text is composed to NFC first, the form stored text is normally in.
 * - Every word must match (AND), each quoted, so none can be read as an operator.
 * - The last word is a prefix (`searc` finds `search`, for search-as-you-type), unless the text
 *   ends after it (a space or punctuation: the word is finished).
 * - At most SEARCH_MAX_WORDS words count; the rest are ignored.
 * - No word at all (empty, blank or punctuation-only text): undefined, meaning no search filter.
 *
 * The repository runs the result through `to_tsquery` with the English and the `simple`
 * configurations, so stemming and stop words apply as they did to the indexed text.
 */
export function searchTsQuery(text: string): string | undefined {
  const normalized = text.normalize('NFC');
  const words = normalized.match(WORD);
  if (words === null) return undefined;
  const kept = words.slice(0, SEARCH_MAX_WORDS);
  const lastIsTyping = kept.length === words.length && WORD_AT_END.test(normalized);
  const terms = kept.map((word) => `'${word}'`);
  if (lastIsTyping) terms[terms.length - 1] += ':*';
  return terms.join(' & ');
}

/** Longest `?search=` text (longer is 422). */
export const SEARCH_MAX = 200;
/** Words beyond these are ignored. */
export const SEARCH_MAX_WORDS = 16;

const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const WORD_AT_END = /[\p{L}\p{M}\p{N}]$/u;
