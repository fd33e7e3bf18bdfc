import { expect } from 'chai';
import { authHeader, createArticle, createUser, type UserFixture, uniqueTag } from '../support/factories';
import { errorCodes, graphql } from '../support/graphql';
import { api } from '../support/test-env';

const ARTICLE_FIELDS = `slug title description body tagList createdAt updatedAt favorited favoritesCount
  author { username bio image following }`;

describe('GraphQL queries (POST /graphql)', () => {
  let author: UserFixture;
  let reader: UserFixture;
  let tag: string;
  let slugs: string[];

  before(async () => {
    author = await createUser();
    reader = await createUser();
    tag = uniqueTag('gql');
    slugs = [];
    for (let i = 0; i < 3; i += 1) {
      const article = await createArticle(author.user, { tagList: [tag], title: `GraphQL article ${i} ${tag}` });
      slugs.push(article.slug);
    }
    await api().post(`/api/articles/${slugs[0]}/favorite`).set(authHeader(reader)).expect(200);
    await api().post(`/api/profiles/${author.user.username}/follow`).set(authHeader(reader)).expect(200);
    await api()
      .post(`/api/articles/${slugs[0]}/comments`)
      .set(authHeader(reader))
      .send({ comment: { body: 'a GraphQL comment' } })
      .expect(201);
  });

  describe('articles', () => {
    it('lists a filtered page with its total, newest first, as the viewer sees it', async () => {
      const { body } = await graphql(
        `query ($tag: String) { articles(tag: $tag, limit: 2) { articlesCount articles { ${ARTICLE_FIELDS} } } }`,
        { tag },
        reader.token,
      ).expect(200);
      expect(body.errors).to.equal(undefined);
      expect(body.data.articles.articlesCount).to.equal(3);
      expect(body.data.articles.articles.map((a: { slug: string }) => a.slug)).to.deep.equal([slugs[2], slugs[1]]);
      const [newest] = body.data.articles.articles;
      expect(newest.body).to.equal(null);
      expect(newest.tagList).to.deep.equal([tag]);
      expect(newest.author).to.deep.equal({
        username: author.user.username,
        bio: author.user.bio,
        image: author.user.image,
        following: true,
      });
    });

    it('filters by author, favorited and search', async () => {
      const favorited = await graphql(
        `query ($who: String) { articles(favorited: $who) { articlesCount articles { slug favorited } } }`,
        { who: reader.user.username },
        reader.token,
      ).expect(200);
      expect(favorited.body.data.articles.articles).to.deep.equal([{ slug: slugs[0], favorited: true }]);
      const byAuthor = await graphql(`query ($who: String) { articles(author: $who) { articlesCount } }`, {
        who: author.user.username,
      }).expect(200);
      expect(byAuthor.body.data.articles.articlesCount).to.equal(3);
      const searched = await graphql(
        `query ($q: String, $tag: String) { articles(search: $q, tag: $tag) { articlesCount } }`,
        { q: 'graphql articl', tag },
      ).expect(200);
      expect(searched.body.data.articles.articlesCount).to.equal(3);
    });

    it('refuses bad paging and an over-long search with BAD_USER_INPUT and the field messages', async () => {
      const { body } = await graphql('{ articles(limit: 0) { articlesCount } }').expect(200);
      expect(errorCodes(body)).to.deep.equal(['BAD_USER_INPUT']);
      expect(body.errors[0].extensions.messages).to.deep.equal(['limit must not be less than 1']);
      const long = await graphql('query ($q: String) { articles(search: $q) { articlesCount } }', {
        q: 'x'.repeat(201),
      }).expect(200);
      expect(errorCodes(long.body)).to.deep.equal(['BAD_USER_INPUT']);
    });

    it('clamps a limit above 100 as REST does', async () => {
      const { body } = await graphql('{ articles(limit: 1000) { articles { slug } } }').expect(200);
      expect(body.errors).to.equal(undefined);
      expect(body.data.articles.articles.length).to.be.at.most(100);
    });

    it('is UNAUTHENTICATED for a bad token, even though anonymous callers may list', async () => {
      const { body } = await graphql('{ articles { articlesCount } }', undefined, 'not.a.token').expect(200);
      expect(errorCodes(body)).to.deep.equal(['UNAUTHENTICATED']);
      expect(body.data).to.equal(null);
    });

    it('accepts the Token, Bearer and JWT schemes', async () => {
      for (const scheme of ['Token', 'Bearer', 'JWT']) {
        const { body } = await api()
          .post('/graphql')
          .set('Authorization', `${scheme} ${reader.token}`)
          .send({ query: '{ me { username } }' })
          .expect(200);
        expect(body, scheme).to.deep.equal({ data: { me: { username: reader.user.username } } });
      }
    });
  });

  describe('article', () => {
    it('returns one article with its body and first comments', async () => {
      const { body } = await graphql(
        `query ($slug: String!) { article(slug: $slug) { ${ARTICLE_FIELDS} comments { id body author { username } } } }`,
        { slug: slugs[0] },
        reader.token,
      ).expect(200);
      expect(body.data.article.slug).to.equal(slugs[0]);
      expect(body.data.article.body).to.equal('A body');
      expect(body.data.article.favorited).to.equal(true);
      expect(body.data.article.favoritesCount).to.equal(1);
      expect(body.data.article.comments).to.have.length(1);
      expect(body.data.article.comments[0]).to.include({ body: 'a GraphQL comment' });
      expect(body.data.article.comments[0].author).to.deep.equal({ username: reader.user.username });
    });

    it("shows whether the viewer follows each comment's author", async () => {
      const fan = await createUser();
      await api().post(`/api/profiles/${reader.user.username}/follow`).set(authHeader(fan)).expect(200);
      const query = `query ($slug: String!) { article(slug: $slug) { comments { author { username following } } } }`;
      const asFan = await graphql(query, { slug: slugs[0] }, fan.token).expect(200);
      expect(asFan.body.data.article.comments).to.deep.equal([
        { author: { username: reader.user.username, following: true } },
      ]);
      const anonymous = await graphql(query, { slug: slugs[0] }).expect(200);
      expect(anonymous.body.data.article.comments[0].author.following).to.equal(false);
    });

    it('gives comments(first:) at most 20, and refuses less than 1 with BAD_USER_INPUT', async () => {
      const commenter = await createUser();
      const article = await createArticle(author.user);
      for (let i = 0; i < 21; i += 1) {
        await api()
          .post(`/api/articles/${article.slug}/comments`)
          .set(authHeader(commenter))
          .send({ comment: { body: `comment ${i}` } })
          .expect(201);
      }
      const query = 'query ($slug: String!, $first: Int!) { article(slug: $slug) { comments(first: $first) { id } } }';
      const many = await graphql(query, { slug: article.slug, first: 100 }).expect(200);
      expect(many.body.data.article.comments).to.have.length(20);
      const two = await graphql(query, { slug: article.slug, first: 2 }).expect(200);
      expect(two.body.data.article.comments).to.have.length(2);
      const zero = await graphql(query, { slug: article.slug, first: 0 }).expect(200);
      expect(errorCodes(zero.body)).to.deep.equal(['BAD_USER_INPUT']);
      expect(zero.body.errors[0].message).to.equal('first must not be less than 1');
      const one = await graphql(query, { slug: article.slug, first: 1 }).expect(200);
      expect(one.body.data.article.comments).to.have.length(1);
    });

    it('is NOT_FOUND for an unknown slug', async () => {
      const { body } = await graphql('{ article(slug: "no-such-article") { slug } }').expect(200);
      expect(errorCodes(body)).to.deep.equal(['NOT_FOUND']);
      expect(body.errors[0].message).to.equal('article not found');
      expect(body.errors[0].path).to.deep.equal(['article']);
    });
  });

  describe('feed', () => {
    it("lists the followed authors' articles", async () => {
      const { body } = await graphql(
        '{ feed(limit: 100) { articlesCount articles { slug } } }',
        undefined,
        reader.token,
      );
      expect(body.errors).to.equal(undefined);
      expect(body.data.feed.articles.map((a: { slug: string }) => a.slug)).to.include.members(slugs);
    });

    it('is UNAUTHENTICATED without a token', async () => {
      const { body } = await graphql('{ feed { articlesCount } }').expect(200);
      expect(errorCodes(body)).to.deep.equal(['UNAUTHENTICATED']);
    });
  });

  describe('profile', () => {
    it('returns the profile as the viewer sees it', async () => {
      const { body } = await graphql(
        'query ($u: String!) { profile(username: $u) { username following } }',
        { u: author.user.username.toUpperCase() },
        reader.token,
      ).expect(200);
      expect(body.data.profile).to.deep.equal({ username: author.user.username, following: true });
    });

    it('is NOT_FOUND for an unknown user', async () => {
      const { body } = await graphql('{ profile(username: "nobody-at-all-here") { username } }').expect(200);
      expect(errorCodes(body)).to.deep.equal(['NOT_FOUND']);
    });
  });

  describe('tags', () => {
    it('lists the tags in use', async () => {
      const { body } = await graphql('{ tags }').expect(200);
      expect(body.data.tags).to.include(tag);
    });
  });

  describe('me', () => {
    it('returns the caller with a fresh token', async () => {
      const { body } = await graphql('{ me { email username bio image token } }', undefined, reader.token).expect(200);
      expect(body.data.me).to.include({ email: reader.user.email, username: reader.user.username });
      expect(body.data.me.token).to.be.a('string');
    });

    it('is UNAUTHENTICATED anonymously', async () => {
      const { body } = await graphql('{ me { username } }').expect(200);
      expect(errorCodes(body)).to.deep.equal(['UNAUTHENTICATED']);
      expect(body.data).to.equal(null);
    });
  });

  describe('comments', () => {
    it("lists an article's comments", async () => {
      const { body } = await graphql('query ($s: String!) { comments(slug: $s) { id body } }', {
        s: slugs[0],
      }).expect(200);
      expect(body.data.comments.map((c: { body: string }) => c.body)).to.deep.equal(['a GraphQL comment']);
    });

    it('is NOT_FOUND for an unknown article', async () => {
      const { body } = await graphql('{ comments(slug: "no-such-article") { id } }').expect(200);
      expect(errorCodes(body)).to.deep.equal(['NOT_FOUND']);
    });
  });

  describe('GET /graphql', () => {
    it('answers a query in the URL', async () => {
      const query = encodeURIComponent('{ tags }');
      const { body } = await api().get(`/graphql?query=${query}`).expect(200);
      expect(body.data.tags).to.include(tag);
    });

    it("refuses a mutation over GET with 405, Allow: POST, in GraphQL's error shape", async () => {
      const query = encodeURIComponent('mutation { deleteArticle(slug: "x") }');
      const response = await api().get(`/graphql?query=${query}`).expect(405).expect('Allow', 'POST');
      expect(response.type).to.equal('application/json');
      expect(response.body.errors).to.have.length(1);
      expect(response.body.errors[0].message).to.match(/mutation/i);
    });

    it('answers other methods 405 with Allow: GET, POST, like any path that does not serve them', async () => {
      const response = await api().put('/graphql').send({ query: '{ tags }' }).expect(405);
      expect(response.headers.allow).to.equal('GET, POST');
      expect(response.body).to.deep.equal({ errors: { body: ['method PUT is not allowed on /graphql'] } });
    });
  });
});
