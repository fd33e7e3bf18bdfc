import { expect } from 'chai';
import { authHeader, createArticle, createUser, type UserFixture, uniqueTag } from '../support/factories';
import { graphql } from '../support/graphql';
import { api, testEnvironment } from '../support/test-env';

const PAGE_QUERY = `query ($tag: String, $limit: Int) {
  articles(tag: $tag, limit: $limit) {
    articlesCount
    articles {
      slug title tagList favorited favoritesCount
      author { username bio image following }
      comments(first: 3) { id body createdAt author { username following } }
    }
  }
}`;

/**
 * The N+1 guard for GraphQL: a page of articles with their authors, favorited state, tags and
 * first comments costs the same number of statements for 1 article as for 20 (or 30): the page
 * is one statement (authors, favorites and tags included), the comments of all its articles one
 * more, through the request's DataLoader.
 */
describe('GraphQL: SQL statements per operation', () => {
  let reader: UserFixture;
  let tag: string;

  before(async () => {
    reader = await createUser();
    tag = uniqueTag('gqlcounted');
    const authors = await Promise.all([createUser(), createUser(), createUser()]);
    await api().post(`/api/profiles/${authors[0].user.username}/follow`).set(authHeader(reader)).expect(200);
    for (let i = 0; i < 30; i += 1) {
      const article = await createArticle(authors[i % 3].user, { tagList: [tag, `other-${i % 4}`] });
      await api().post(`/api/articles/${article.slug}/favorite`).set(authHeader(reader)).expect(200);
      for (let c = 0; c < 4; c += 1) {
        await api()
          .post(`/api/articles/${article.slug}/comments`)
          .set(authHeader(authors[c % 3]))
          .send({ comment: { body: `comment ${c} on ${i}` } })
          .expect(201);
      }
    }
  });

  async function statementsFor(limit: number) {
    const { sqlLog } = testEnvironment();
    sqlLog.clear();
    const { body } = await graphql(PAGE_QUERY, { tag, limit }, reader.token).expect(200);
    expect(body.errors, JSON.stringify(body.errors)).to.equal(undefined);
    return { body, statements: [...sqlLog.all] };
  }

  it('the same statements for 1, 20 and 30 articles: caller, page, comments', async () => {
    const one = await statementsFor(1);
    const twenty = await statementsFor(20);
    const thirty = await statementsFor(30);
    expect(twenty.body.data.articles.articles).to.have.length(20);
    expect(thirty.body.data.articles.articles).to.have.length(30);
    expect(one.statements, one.statements.join('\n')).to.have.length(3);
    expect(twenty.statements, twenty.statements.join('\n')).to.have.length(3);
    expect(thirty.statements, thirty.statements.join('\n')).to.have.length(3);
    const commentReads = twenty.statements.filter((sql) => /from "?comments"?/i.test(sql));
    expect(commentReads, twenty.statements.join('\n')).to.have.length(1);
  });

  it('each article gets its own newest comments, at most `first`, with their authors as the caller sees them', async () => {
    const { body } = await statementsFor(20);
    for (const article of body.data.articles.articles) {
      expect(article.comments, article.slug).to.have.length(3);
      expect(article.comments[0].body).to.match(/^comment 3 on \d+$/);
      // Every comment of the article is on the same article, not a neighbour's in the batch.
      const articles = new Set(article.comments.map((c: { body: string }) => c.body.split(' on ')[1]));
      expect(articles.size, article.slug).to.equal(1);
    }
    const rest = await api().get(`/api/articles?tag=${tag}&limit=20`).expect(200);
    const first = body.data.articles.articles[0];
    const restComments = await api().get(`/api/articles/${first.slug}/comments`).set(authHeader(reader)).expect(200);
    expect(rest.body.articles[0].slug).to.equal(first.slug);
    expect(first.comments.map((c: { id: number }) => c.id)).to.deep.equal(
      restComments.body.comments.slice(0, 3).map((c: { id: number }) => c.id),
    );
    expect(first.comments[0].author).to.deep.equal({
      username: restComments.body.comments[0].author.username,
      following: restComments.body.comments[0].author.following,
    });
  });
});
