import { expect } from 'chai';
import { Tag } from '../../src/modules/tags/tag.entity';
import { User } from '../../src/modules/users/user.entity';
import { authHeader, createArticle, createUser, uniqueTag } from '../support/factories';
import { api, em, testEnvironment } from '../support/test-env';

/** Articles by one author under one fresh tag, created one minute apart in the past (oldest first). */
async function taggedArticles(count = 3) {
  const author = await createUser();
  const tag = uniqueTag();
  const base = Date.now() - (count + 60) * 60_000;
  const articles = [];
  for (let i = 0; i < count; i += 1) {
    articles.push(
      await createArticle(author.user, { tagList: [tag, 'common'], createdAt: new Date(base + i * 60_000) }),
    );
  }
  return { author, tag, articles, newestFirst: articles.map((a) => a.slug).reverse() };
}

describe('GET /api/articles', () => {
  it('returns 200 with articles newest first, without bodies, and articlesCount', async () => {
    await taggedArticles(2);
    const response = await api().get('/api/articles').expect(200);
    const { articles, articlesCount } = response.body;
    expect(articlesCount).to.be.a('number').and.to.be.at.least(2);
    expect(articles.length).to.be.within(2, 20);
    const created = articles.map((a: { createdAt: string }) => a.createdAt);
    expect(created).to.deep.equal([...created].sort().reverse());
    for (const article of articles) {
      expect(article).not.to.have.property('body');
      expect(article).to.have.all.keys(
        'slug',
        'title',
        'description',
        'tagList',
        'createdAt',
        'updatedAt',
        'favorited',
        'favoritesCount',
        'author',
      );
    }
  });

  it('filters by tag, matching case-insensitively', async () => {
    const { tag, newestFirst } = await taggedArticles();
    const response = await api().get('/api/articles').query({ tag: tag.toUpperCase() }).expect(200);
    expect(response.body.articles.map((a: { slug: string }) => a.slug)).to.deep.equal(newestFirst);
    expect(response.body.articlesCount).to.equal(3);
  });

  it('filters by author', async () => {
    const { author, newestFirst } = await taggedArticles();
    const response = await api().get('/api/articles').query({ author: author.user.username }).expect(200);
    expect(response.body.articles.map((a: { slug: string }) => a.slug)).to.deep.equal(newestFirst);
  });

  it('filters by the username who favorited them', async () => {
    const { articles } = await taggedArticles();
    const fan = await createUser();
    await api().post(`/api/articles/${articles[0].slug}/favorite`).set(authHeader(fan)).expect(200);
    await api().post(`/api/articles/${articles[2].slug}/favorite`).set(authHeader(fan)).expect(200);
    const response = await api().get('/api/articles').query({ favorited: fan.user.username }).expect(200);
    expect(response.body.articles.map((a: { slug: string }) => a.slug)).to.deep.equal([
      articles[2].slug,
      articles[0].slug,
    ]);
    expect(response.body.articles[0]).to.include({ favoritesCount: 1, favorited: false });
    expect(response.body.articlesCount).to.equal(2);
  });

  it('finds nothing for a blank tag (it is no tag, not "any tag"), and counts without a second statement', async () => {
    await taggedArticles(1);
    const { sqlLog } = testEnvironment();
    sqlLog.clear();
    const response = await api().get('/api/articles').query({ tag: '   ' }).expect(200);
    expect(response.body).to.deep.equal({ articles: [], articlesCount: 0 });
    // An empty first page has a total of 0 without asking: one statement for the page, none more.
    expect(
      sqlLog.all.filter((sql) => /from "?articles"?/i.test(sql)),
      sqlLog.all.join('\n'),
    ).to.have.length(1);
  });

  it('combines filters with AND', async () => {
    const { author, tag, articles } = await taggedArticles();
    const otherAuthorSameTag = await createUser();
    await createArticle(otherAuthorSameTag.user, { tagList: [tag] });
    const fan = await createUser();
    await api().post(`/api/articles/${articles[1].slug}/favorite`).set(authHeader(fan)).expect(200);

    const byTagAndAuthor = await api().get('/api/articles').query({ tag, author: author.user.username }).expect(200);
    expect(byTagAndAuthor.body.articlesCount).to.equal(3);
    const all = await api()
      .get('/api/articles')
      .query({ tag, author: author.user.username, favorited: fan.user.username })
      .expect(200);
    expect(all.body.articles.map((a: { slug: string }) => a.slug)).to.deep.equal([articles[1].slug]);
    expect(all.body.articlesCount).to.equal(1);
  });

  it('returns an empty list with articlesCount 0 for an unknown author, tag or favoriter', async () => {
    for (const query of [{ author: 'johnjacob-nobody' }, { tag: uniqueTag('none') }, { favorited: 'nobody-here' }]) {
      const response = await api().get('/api/articles').query(query).expect(200);
      expect(response.body).to.deep.equal({ articles: [], articlesCount: 0 });
    }
  });

  it('shows the viewer favorited and following on each article', async () => {
    const { author, tag, articles } = await taggedArticles(2);
    const reader = await createUser();
    await api().post(`/api/articles/${articles[0].slug}/favorite`).set(authHeader(reader)).expect(200);
    await api().post(`/api/profiles/${author.user.username}/follow`).set(authHeader(reader)).expect(200);
    const response = await api().get('/api/articles').query({ tag }).set(authHeader(reader)).expect(200);
    const [newest, oldest] = response.body.articles;
    expect(newest).to.deep.include({ favorited: false, favoritesCount: 0 });
    expect(oldest).to.deep.include({ favorited: true, favoritesCount: 1 });
    expect(newest.author.following).to.equal(true);
  });

  describe('paging', () => {
    it('applies limit and offset, and articlesCount stays the total', async () => {
      const { tag, newestFirst } = await taggedArticles(5);
      const page = await api().get('/api/articles').query({ tag, limit: 2, offset: 1 }).expect(200);
      expect(page.body.articles.map((a: { slug: string }) => a.slug)).to.deep.equal(newestFirst.slice(1, 3));
      expect(page.body.articlesCount).to.equal(5);
    });

    it('returns no articles but the true count for an offset past the end', async () => {
      const { tag } = await taggedArticles(2);
      const response = await api().get('/api/articles').query({ tag, offset: 10 }).expect(200);
      expect(response.body).to.deep.equal({ articles: [], articlesCount: 2 });
    });

    it('defaults to 20 articles when no limit is given', async function () {
      this.timeout(60_000);
      const { tag } = await taggedArticles(21);
      const response = await api().get('/api/articles').query({ tag }).expect(200);
      expect(response.body.articles).to.have.length(20);
      expect(response.body.articlesCount).to.equal(21);
    });

    it('clamps a limit above 100 to 100', async function () {
      this.timeout(120_000);
      const { tag } = await taggedArticles(101);
      const response = await api().get('/api/articles').query({ tag, limit: 1_000_000 }).expect(200);
      expect(response.body.articles).to.have.length(100);
      expect(response.body.articlesCount).to.equal(101);
    });

    it('returns 422 for a limit or offset that is not a whole number in range', async () => {
      const cases = [
        { limit: 0 },
        { limit: -1 },
        { limit: 'abc' },
        { limit: '2.5' },
        { limit: '' },
        { offset: -1 },
        { offset: 'x' },
        { offset: '99999999999999999999' },
        { limit: ['1', '2'] },
      ];
      for (const query of cases) {
        const response = await api().get('/api/articles').query(query);
        expect(response.status, JSON.stringify(query)).to.equal(422);
        expect(response.body.errors.body[0], JSON.stringify(query)).to.match(/limit|offset/);
      }
    });

    it('returns 422 for a repeated or oversized filter', async () => {
      await api().get('/api/articles?tag=a&tag=b').expect(422);
      await api()
        .get('/api/articles')
        .query({ author: 'x'.repeat(200) })
        .expect(422);
    });
  });
});

describe('GET /api/articles/feed', () => {
  it('returns 200 with articles by followed authors only, newest first, with the total', async () => {
    const followed = await taggedArticles(3);
    const alsoFollowed = await createUser();
    const newest = await createArticle(alsoFollowed.user);
    await taggedArticles(2); // by someone not followed
    const reader = await createUser();
    await api().post(`/api/profiles/${followed.author.user.username}/follow`).set(authHeader(reader)).expect(200);
    await api().post(`/api/profiles/${alsoFollowed.user.username}/follow`).set(authHeader(reader)).expect(200);

    const response = await api().get('/api/articles/feed').set(authHeader(reader)).expect(200);
    expect(response.body.articles.map((a: { slug: string }) => a.slug)).to.deep.equal([
      newest.slug,
      ...followed.newestFirst,
    ]);
    expect(response.body.articlesCount).to.equal(4);
    for (const article of response.body.articles) expect(article.author.following).to.equal(true);
  });

  it('pages like the list', async () => {
    const followed = await taggedArticles(3);
    const reader = await createUser();
    await api().post(`/api/profiles/${followed.author.user.username}/follow`).set(authHeader(reader)).expect(200);
    const response = await api()
      .get('/api/articles/feed')
      .query({ limit: 1, offset: 1 })
      .set(authHeader(reader))
      .expect(200);
    expect(response.body.articles.map((a: { slug: string }) => a.slug)).to.deep.equal([followed.newestFirst[1]]);
    expect(response.body.articlesCount).to.equal(3);
    await api().get('/api/articles/feed').query({ limit: 'lots' }).set(authHeader(reader)).expect(422);
  });

  it('merges followed authors newest first across pages, whoever wrote more', async () => {
    const [alice, bob, prolific] = await Promise.all([createUser(), createUser(), createUser()]);
    const written: string[] = [];
    for (const author of [alice, bob, alice, bob, bob, alice, bob]) {
      written.push((await createArticle(author.user)).slug);
      await createArticle(prolific.user); // newer articles by someone not followed, in between
    }
    const reader = await createUser();
    for (const author of [alice, bob]) {
      await api().post(`/api/profiles/${author.user.username}/follow`).set(authHeader(reader)).expect(200);
    }
    const newestFirst = [...written].reverse();
    const pages: string[] = [];
    for (let offset = 0; offset < written.length; offset += 3) {
      const response = await api()
        .get('/api/articles/feed')
        .query({ limit: 3, offset })
        .set(authHeader(reader))
        .expect(200);
      expect(response.body.articlesCount).to.equal(written.length);
      pages.push(...response.body.articles.map((a: { slug: string }) => a.slug));
    }
    expect(pages).to.deep.equal(newestFirst);
  });

  it('returns an empty feed with articlesCount 0 for someone who follows nobody', async () => {
    const loner = await createUser();
    const response = await api().get('/api/articles/feed').set(authHeader(loner)).expect(200);
    expect(response.body).to.deep.equal({ articles: [], articlesCount: 0 });
  });

  it('returns 401 without a token', async () => {
    await api().get('/api/articles/feed').expect(401);
  });
});

describe('GET /api/tags', () => {
  it('returns 200 with each tag in use once, alphabetically', async () => {
    const { tag } = await taggedArticles(2);
    const response = await api().get('/api/tags').expect(200);
    const { tags } = response.body;
    expect(tags).to.include(tag).and.include('common');
    expect(tags.filter((t: string) => t === tag)).to.have.length(1);
    expect(tags).to.deep.equal([...tags].sort());
  });

  it('follows tag changes: a tag removed from its only article goes, a new one appears', async () => {
    const author = await createUser();
    const [before, after] = [uniqueTag('before'), uniqueTag('after')];
    const article = await createArticle(author.user, { tagList: [before] });
    await api()
      .put(`/api/articles/${article.slug}`)
      .set(authHeader(author))
      .send({ article: { tagList: [after] } })
      .expect(200);
    const { tags } = (await api().get('/api/tags').expect(200)).body;
    expect(tags).to.include(after).and.not.include(before);
  });

  it("drops the tags of a deleted user's articles (deleted by cascade, in the database)", async () => {
    const author = await createUser();
    const tag = uniqueTag('cascade');
    await createArticle(author.user, { tagList: [tag] });
    expect((await api().get('/api/tags').expect(200)).body.tags).to.include(tag);
    await em().nativeDelete(User, { id: author.user.id });
    expect((await api().get('/api/tags').expect(200)).body.tags).not.to.include(tag);
  });

  it('counts articles per tag exactly under concurrent writes', async () => {
    const authors = await Promise.all([createUser(), createUser(), createUser()]);
    const [shared, other] = [uniqueTag('shared'), uniqueTag('other')];
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api()
          .post('/api/articles')
          .set(authHeader(authors[i % 3]))
          .send({
            article: {
              title: `t${i}`,
              description: 'd',
              body: 'b',
              tagList: i % 2 ? [shared, other] : [other, shared],
            },
          })
          .expect(201),
      ),
    );
    await Promise.all(
      created.slice(0, 5).map((response, i) =>
        api()
          .delete(`/api/articles/${response.body.article.slug}`)
          .set(authHeader(authors[i % 3]))
          .expect(204),
      ),
    );
    const counts = await em().find(Tag, { name: [shared, other] });
    expect(Object.fromEntries(counts.map((t) => [t.name, t.articlesCount]))).to.deep.equal({ [shared]: 7, [other]: 7 });
  });

  it('drops a tag once no article uses it', async () => {
    const author = await createUser();
    const tag = uniqueTag('gone');
    const article = await createArticle(author.user, { tagList: [tag] });
    await api().delete(`/api/articles/${article.slug}`).set(authHeader(author)).expect(204);
    const response = await api().get('/api/tags').expect(200);
    expect(response.body.tags).not.to.include(tag);
  });
});
