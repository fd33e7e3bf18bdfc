import { expect } from 'chai';
import { NotFound } from '../../src/domain/errors';
import { unlessArticleGone } from '../../src/modules/articles/article-gone';

/** What the ORM throws when PostgreSQL refuses a row: the error, with the constraint it broke. */
function violation(constraint: string | undefined): Error {
  return Object.assign(new Error(`violates ${constraint}`), { constraint });
}

async function outcomeOf(write: () => Promise<unknown>): Promise<unknown> {
  return unlessArticleGone(write).then(
    (value) => ({ value }),
    (error: unknown) => error,
  );
}

describe('unlessArticleGone', () => {
  it("answers the write's value when nothing goes wrong", async () => {
    expect(await outcomeOf(async () => 42)).to.deep.equal({ value: 42 });
  });

  for (const constraint of ['comments_article_id_foreign', 'favorites_article_id_foreign']) {
    it(`turns ${constraint} (the article was deleted meanwhile) into NotFound "article not found"`, async () => {
      const error = await outcomeOf(() => Promise.reject(violation(constraint)));
      expect(error).to.be.instanceOf(NotFound);
      expect((error as Error).message).to.equal('article not found');
    });
  }

  it('passes any other error on unchanged, a broken constraint or not', async () => {
    for (const thrown of [violation('comments_author_id_foreign'), violation(undefined), new Error('boom')]) {
      expect(await outcomeOf(() => Promise.reject(thrown))).to.equal(thrown);
    }
  });
});
