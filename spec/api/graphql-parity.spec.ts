import { expect } from 'chai';
import { authHeader, createArticle, createUser, type UserFixture, uniqueTag } from '../support/factories';
import { graphql } from '../support/graphql';
import { api } from '../support/test-env';

const ARTICLE_FIELDS = `slug title description body tagList createdAt updatedAt favorited favoritesCount
  author { username bio image following }`;

/** The REST article as GraphQL shapes it: a list item has no `body`, GraphQL says null. */
function asGraphql(article: Record<string, unknown>) {
  return { body: null, ...article };
}

/** REST and GraphQL answer the same question with the same data, field by field. */
describe('GraphQL and REST parity', () => {
  let author: UserFixture;
  let reader: UserFixture;
  let tag: string;
  let slug: string;

  before(async () => {
    author = await createUser({ bio: 'writes things', image: 'https://example.com/a.png' });
    reader = await createUser();
    tag = uniqueTag('parity');
    for (let i = 0; i < 5; i += 1) {
      const article = await createArticle(author.user, { tagList: [tag, `b-${i}`], title: `Parity ${i}` });
      slug = article.slug;
      if (i % 2 === 0) {
        await api().post(`/api/articles/${article.slug}/favorite`).set(authHeader(reader)).expect(200);
      }
    }
    await api().post(`/api/profiles/${author.user.username}/follow`).set(authHeader(reader)).expect(200);
  });

  for (const viewer of ['anonymous', 'a follower'] as const) {
    it(`the same article list, as ${viewer}`, async () => {
      const token = viewer === 'anonymous' ? undefined : reader.token;
      const rest = api().get(`/api/articles?tag=${tag}&limit=3&offset=1`);
      const restBody = (await (token ? rest.set(authHeader(reader)) : rest).expect(200)).body;
      const { body } = await graphql(
        `query ($tag: String) { articles(tag: $tag, limit: 3, offset: 1) { articlesCount articles { ${ARTICLE_FIELDS} } } }`,
        { tag },
        token,
      ).expect(200);
      expect(body.errors).to.equal(undefined);
      expect(body.data.articles.articlesCount).to.equal(restBody.articlesCount);
      expect(body.data.articles.articles).to.deep.equal(restBody.articles.map(asGraphql));
    });

    it(`the same article, as ${viewer}`, async () => {
      const token = viewer === 'anonymous' ? undefined : reader.token;
      const rest = api().get(`/api/articles/${slug}`);
      const restBody = (await (token ? rest.set(authHeader(reader)) : rest).expect(200)).body;
      const { body } = await graphql(
        `query ($slug: String!) { article(slug: $slug) { ${ARTICLE_FIELDS} } }`,
        { slug },
        token,
      ).expect(200);
      expect(body.data.article).to.deep.equal(restBody.article);
    });
  }

  it('the same feed, profile and current user', async () => {
    const { body } = await graphql(
      `query ($u: String!) {
        feed(limit: 2) { articlesCount articles { ${ARTICLE_FIELDS} } }
        profile(username: $u) { username bio image following }
        me { email username bio image emailNotifications }
      }`,
      { u: author.user.username },
      reader.token,
    ).expect(200);
    const feed = (await api().get('/api/articles/feed?limit=2').set(authHeader(reader)).expect(200)).body;
    const profile = (await api().get(`/api/profiles/${author.user.username}`).set(authHeader(reader)).expect(200)).body;
    const me = (await api().get('/api/user').set(authHeader(reader)).expect(200)).body;
    expect(body.data.feed).to.deep.equal({ articlesCount: feed.articlesCount, articles: feed.articles.map(asGraphql) });
    expect(body.data.profile).to.deep.equal(profile.profile);
    const { token: _token, ...user } = me.user;
    expect(body.data.me).to.deep.equal(user);
  });
});
