/** Tags are compared and stored lower-case, trimmed, without duplicates, sorted. */
export function normalizeTags(tags: readonly string[]): string[] {
  const cleaned = tags.map((tag) => tag.trim().replace(/\s+/g, ' ').toLowerCase()).filter((tag) => tag.length > 0);
  return [...new Set(cleaned)].sort();
}
