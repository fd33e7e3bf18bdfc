import { expect } from 'chai';
import type { Test } from 'supertest';
import { authHeader, createArticle, createUser, type UserFixture, uniqueTag } from '../support/factories';
import { api, testEnvironment } from '../support/test-env';

/**
 * The N+1 guard: how many SQL statements one request sends, read from the ORM's query log. The
 * ceilings must not grow with the page size, so each list is measured at limit 1 and limit 100
 * over a page of 30 articles, each favorited and by a followed author.
 */
async function statementsFor(request: Test): Promise<{ count: number; status: number; statements: readonly string[] }> {
  const { sqlLog } = testEnvironment();
  sqlLog.clear();
  const response = await request;
  return { count: sqlLog.count, status: response.status, statements: [...sqlLog.all] };
}

describe('SQL statements per request', () => {
  let reader: UserFixture;
  let tag: string;
  let slug: string;

  before(async () => {
    reader = await createUser();
    tag = uniqueTag('counted');
    const authors = await Promise.all([createUser(), createUser(), createUser()]);
    for (const author of authors) {
      await api().post(`/api/profiles/${author.user.username}/follow`).set(authHeader(reader)).expect(200);
    }
    for (let i = 0; i < 30; i += 1) {
      const article = await createArticle(authors[i % 3].user, { tagList: [tag, `other-${i % 4}`] });
      await api().post(`/api/articles/${article.slug}/favorite`).set(authHeader(reader)).expect(200);
      slug = article.slug;
    }
    for (let i = 0; i < 30; i += 1) {
      const commenter = authors[i % 3];
      await api()
        .post(`/api/articles/${slug}/comments`)
        .set(authHeader(commenter))
        .send({ comment: { body: `comment ${i}` } })
        .expect(201);
    }
  });

  for (const [name, path] of [
    ['GET /api/articles', () => `/api/articles?tag=${tag}`],
    ['GET /api/articles/feed', () => '/api/articles/feed?'],
    ['GET /api/articles?search=', () => `/api/articles?search=spec%20artic&tag=${tag}`],
  ] as const) {
    it(`${name}: at most 4 statements, the same for limit 1 and limit 100`, async () => {
      const one = await statementsFor(api().get(`${path()}&limit=1`).set(authHeader(reader)));
      const hundred = await statementsFor(api().get(`${path()}&limit=100`).set(authHeader(reader)));
      expect(one.status).to.equal(200);
      expect(hundred.status).to.equal(200);
      expect(one.count, one.statements.join('\n')).to.be.within(2, 4);
      expect(hundred.count, hundred.statements.join('\n')).to.equal(one.count);
    });
  }

  it('GET /api/articles?search= finds the whole page and its total in ONE statement', async () => {
    const { count, status, statements } = await statementsFor(
      api().get(`/api/articles?search=spec%20artic&tag=${tag}&limit=100`),
    );
    expect(status).to.equal(200);
    const articleReads = statements.filter((sql) => /from "?articles"?/i.test(sql));
    expect(articleReads, statements.join('\n')).to.have.length(1);
    expect(articleReads[0]).to.match(/search_vector @@/);
    expect(count, statements.join('\n')).to.be.at.most(4);
    const found = await api().get(`/api/articles?search=spec%20artic&tag=${tag}&limit=100`).expect(200);
    expect(found.body.articles).to.have.length(30);
    expect(found.body.articlesCount).to.equal(30);
  });

  it('GET /api/articles anonymously: at most 4 statements for limit 100', async () => {
    const { count, status, statements } = await statementsFor(api().get(`/api/articles?tag=${tag}&limit=100`));
    expect(status).to.equal(200);
    expect(count, statements.join('\n')).to.be.at.most(4);
  });

  it('GET /api/articles/:slug/comments: at most 4 statements for 30 comments', async () => {
    const { count, status, statements } = await statementsFor(
      api().get(`/api/articles/${slug}/comments`).set(authHeader(reader)),
    );
    expect(status).to.equal(200);
    expect(count, statements.join('\n')).to.be.at.most(4);
  });

  it('GET /api/articles/:slug: at most 3 statements', async () => {
    const { count, status, statements } = await statementsFor(
      api().get(`/api/articles/${slug}`).set(authHeader(reader)),
    );
    expect(status).to.equal(200);
    expect(count, statements.join('\n')).to.be.at.most(3);
  });

  it('GET /api/tags: one statement', async () => {
    const { count, status } = await statementsFor(api().get('/api/tags'));
    expect(status).to.equal(200);
    expect(count).to.equal(1);
  });

  it('GET /api/user: one statement, the user the token names', async () => {
    const { count, status, statements } = await statementsFor(api().get('/api/user').set(authHeader(reader)));
    expect(status).to.equal(200);
    expect(count).to.equal(1);
    expect(statements[0]).to.match(/from "users" where "id" = /);
  });

  it('POST /api/articles: the author, then ONE insert outside any transaction', async () => {
    // The insert's trigger locks the rows of the article's tags in `tags`; in a transaction
    // (BEGIN, INSERT, COMMIT) those locks would be held across two more round trips, and every
    // concurrent writer of a popular tag would queue behind them.
    const { count, status, statements } = await statementsFor(
      api()
        .post('/api/articles')
        .set(authHeader(reader))
        .send({ article: { title: 'Counted', description: 'd', body: 'b', tagList: [tag] } }),
    );
    expect(status).to.equal(201);
    expect(count).to.equal(2);
    expect(statements[1]).to.match(/^insert into "articles"/);
    expect(statements.join('\n')).not.to.match(/\b(begin|commit)\b/i);
  });
});
