import { expect } from 'chai';
import { authHeader, createArticle, createUser, type UserFixture } from '../support/factories';
import { api, em } from '../support/test-env';

/** Status → how many requests got it. */
function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** Rows that point at an article or user that no longer exists; the foreign keys should make it 0. */
async function orphanRows(): Promise<number> {
  const [row] = await em().execute<{ orphans: string }[]>(
    `select (select count(*) from comments c where not exists (select 1 from articles a where a.id = c.article_id))
          + (select count(*) from favorites f where not exists (select 1 from articles a where a.id = f.article_id))
            as orphans`,
  );
  return Number(row?.orphans);
}

/**
 * Comments and favorites racing the deletion of their article. Whichever wins, a writer must see
 * either success or 404: the article it aimed at is gone, which is not a server fault.
 */
describe('Writing to an article while it is being deleted', () => {
  const ROUNDS = 6;
  let author: UserFixture;
  let readers: UserFixture[];

  before(async () => {
    author = await createUser();
    readers = await Promise.all(Array.from({ length: 8 }, () => createUser()));
  });

  /** Fires `writes` while the article is deleted in their midst; statuses of the writes. */
  async function race(write: (slug: string, index: number) => Promise<{ status: number }>, writes: number) {
    const statuses: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const { slug } = await createArticle(author.user);
      const pending = Array.from({ length: writes }, (_, index) => write(slug, index));
      // Start the delete among the writes, so some land before it, some during it, some after.
      pending.splice(
        Math.floor(writes / 3),
        0,
        api()
          .delete(`/api/articles/${slug}`)
          .set(authHeader(author))
          .then((response) => {
            expect(response.status, 'the delete').to.equal(204);
            return { status: -1 };
          }),
      );
      for (const { status } of await Promise.all(pending)) if (status !== -1) statuses.push(status);
    }
    return tally(statuses);
  }

  it('answers comment POSTs 201 or 404, never 500, and leaves no orphan comments', async () => {
    const counts = await race(
      (slug, index) =>
        api()
          .post(`/api/articles/${slug}/comments`)
          .set(authHeader(readers[index % readers.length] as UserFixture))
          .send({ comment: { body: `racing comment ${index}` } }),
      40,
    );
    expect(Object.keys(counts).map(Number), JSON.stringify(counts)).to.satisfy((statuses: number[]) =>
      statuses.every((status) => status === 201 || status === 404),
    );
    expect(await orphanRows()).to.equal(0);
  });

  it('answers favorite POSTs 200 or 404, never 500, and leaves no orphan favorites', async () => {
    const counts = await race(
      (slug, index) =>
        api()
          .post(`/api/articles/${slug}/favorite`)
          .set(authHeader(readers[index % readers.length] as UserFixture)),
      24,
    );
    expect(Object.keys(counts).map(Number), JSON.stringify(counts)).to.satisfy((statuses: number[]) =>
      statuses.every((status) => status === 200 || status === 404),
    );
    expect(await orphanRows()).to.equal(0);
  });
});
