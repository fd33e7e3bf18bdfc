import { ForeignKeyConstraintViolationException, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { Article } from '../../src/modules/articles/article.entity';
import type { ArticleRepository } from '../../src/modules/articles/article.repository';
import { User } from '../../src/modules/users/user.entity';
import { createArticle, createUser } from '../support/factories';
import { em } from '../support/test-env';

/**
 * A slug is the title plus 6 random characters (36^6 ≈ 2.2 billion): among ~11,000 articles with
 * one title the bench met a taken suffix, and the client got 422 for a conflict it did not cause.
 */
/** A new, unsaved article given the slug of an existing one, and the repository to insert it with. */
async function articleUnderTakenSlug(title: string) {
  const { user } = await createUser();
  const taken = await createArticle(user);
  const fork = em();
  const articles = fork.getRepository(Article) as unknown as ArticleRepository;
  const article = articles.create({
    slug: taken.slug,
    title,
    description: 'd',
    body: 'b',
    tagList: [],
    author: fork.getReference(User, user.id),
  });
  return { articles, article, taken };
}

describe('ArticleRepository.insertNew when the random slug is already taken', () => {
  it('inserts the article under the next slug the generator gives, once per taken one', async () => {
    const { articles, article, taken } = await articleUnderTakenSlug('Collides');
    const next = [taken.slug, `collides-${Date.now().toString(36)}`];
    await articles.insertNew(article, () => next.shift() ?? 'unreachable');
    expect(next, 'both generated slugs were used').to.deep.equal([]);
    expect(article.slug).to.match(/^collides-/);
    const stored = await em().findOneOrFail(Article, { slug: article.slug }, { populate: ['author'] });
    expect(stored.title).to.equal('Collides');
  });

  it('gives up after a few taken slugs instead of looping', async () => {
    const { articles, article, taken } = await articleUnderTakenSlug('Always taken');
    let asked = 0;
    const error = await articles
      .insertNew(article, () => {
        asked += 1;
        return taken.slug;
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error, 'the last violation is thrown').to.be.an('error');
    expect(asked, 'a new slug for each of the first four attempts').to.equal(4);
  });

  it('retries nothing but a taken slug: any other violation is thrown at once, no new slug asked', async () => {
    const { articles, article } = await articleUnderTakenSlug('Orphan');
    article.slug = `orphan-${Date.now().toString(36)}`;
    article.author = em().getReference(User, 2_000_000_000);
    let asked = 0;
    const error = await articles
      .insertNew(article, () => {
        asked += 1;
        return `orphan-${asked}-${Date.now().toString(36)}`;
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).to.be.instanceOf(ForeignKeyConstraintViolationException);
    expect(asked).to.equal(0);
  });

  it('does not retry a unique violation of another constraint than the slug', async () => {
    const { articles, article, taken } = await articleUnderTakenSlug('Same id');
    article.slug = `same-id-${Date.now().toString(36)}`;
    article.id = taken.id;
    let asked = 0;
    const error = await articles
      .insertNew(article, () => {
        asked += 1;
        return `same-id-${asked}-${Date.now().toString(36)}`;
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).to.be.instanceOf(UniqueConstraintViolationException);
    expect(asked).to.equal(0);
  });
});
