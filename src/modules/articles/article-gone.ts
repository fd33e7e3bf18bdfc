import { NotFound } from '../../domain/errors';

// The foreign keys from rows that belong to an article (see the conduit_domain migration). Only a
// foreign-key violation names one of them.
const ARTICLE_FOREIGN_KEYS: ReadonlySet<string | undefined> = new Set([
  'comments_article_id_foreign',
  'favorites_article_id_foreign',
]);

/**
 * Runs a write that attaches a row to an article, answering 404 if the article is deleted while
 * the write is under way. The service looks the article up first, but a concurrent delete can
 * commit between that look-up and the insert (or, in PostgreSQL, between an insert … select's
 * snapshot and its foreign-key check). The foreign key refuses the row, so nothing is orphaned;
 * to the client the article is simply gone, as if the delete had come first.
 */
export async function unlessArticleGone<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (ARTICLE_FOREIGN_KEYS.has((error as { constraint?: string }).constraint))
      throw new NotFound('article not found');
    throw error;
  }
}
