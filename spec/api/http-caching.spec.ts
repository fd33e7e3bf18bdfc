import { expect } from 'chai';
import { authHeader, createArticle, createUser, type UserFixture, uniqueTag } from '../support/factories';
import { api } from '../support/test-env';

/**
 * Conditional GETs: every successful JSON read carries a (weak) ETag of its body; a client that
 * sends it back in `If-None-Match` gets `304 Not Modified` without the body while nothing changed,
 * and the new representation as soon as something did. Responses are `no-cache` (store, but
 * revalidate every time: lists and counters change at any moment), `private` when they were
 * computed for the caller's token (`following`, `favorited`, the account itself) and `public`
 * otherwise, with `Vary: Authorization` so a shared cache never hands one reader's view to another.
 */
describe('HTTP caching of GET responses', () => {
  let author: UserFixture;
  let reader: UserFixture;
  let slug: string;
  let tag: string;

  before(async () => {
    author = await createUser();
    reader = await createUser();
    tag = uniqueTag('cached');
    slug = (await createArticle(author.user, { tagList: [tag] })).slug;
  });

  const routes = (): [string, () => string, 'optional' | 'required'][] => [
    ['GET /api/articles', () => `/api/articles?tag=${tag}`, 'optional'],
    ['GET /api/articles/feed', () => '/api/articles/feed', 'required'],
    ['GET /api/articles/:slug', () => `/api/articles/${slug}`, 'optional'],
    ['GET /api/articles/:slug/comments', () => `/api/articles/${slug}/comments`, 'optional'],
    ['GET /api/profiles/:username', () => `/api/profiles/${author.user.username}`, 'optional'],
    ['GET /api/tags', () => '/api/tags', 'optional'],
    ['GET /api/user', () => '/api/user', 'required'],
  ];

  for (const [name, path, auth] of routes()) {
    describe(name, () => {
      it('answers 200 with a weak ETag, then 304 without a body for If-None-Match with it', async () => {
        const first = await api().get(path()).set(authHeader(reader)).expect(200);
        const etag = first.headers.etag;
        expect(etag).to.match(/^W\/"[A-Za-z0-9_-]{22}"$/);
        expect(first.headers['cache-control']).to.equal('private, no-cache');
        expect(first.headers.vary).to.match(/\bAuthorization\b/i);

        const again = await api().get(path()).set(authHeader(reader)).set('If-None-Match', etag).expect(304);
        expect(again.text ?? '').to.equal('');
        expect(again.headers.etag).to.equal(etag);
        // A strong spelling of the same tag, and a list of tags containing it, match too (RFC 9110 §13.1.2).
        await api().get(path()).set(authHeader(reader)).set('If-None-Match', etag.slice(2)).expect(304);
        await api().get(path()).set(authHeader(reader)).set('If-None-Match', `"other", ${etag}`).expect(304);
        await api().get(path()).set(authHeader(reader)).set('If-None-Match', '"other"').expect(200);
      });

      if (auth === 'optional') {
        it('is public for an anonymous reader, and the anonymous view has its own ETag', async () => {
          const anonymous = await api().get(path()).expect(200);
          expect(anonymous.headers['cache-control']).to.equal('public, no-cache');
          expect(anonymous.headers.vary).to.match(/\bAuthorization\b/i);
          expect(anonymous.headers.etag).to.match(/^W\//);
          await api().get(path()).set('If-None-Match', anonymous.headers.etag).expect(304);
        });
      }
    });
  }

  it('a change makes the old ETag stale: a comment changes the comments list and nothing else', async () => {
    const comments = await api().get(`/api/articles/${slug}/comments`).expect(200);
    const article = await api().get(`/api/articles/${slug}`).expect(200);
    await api()
      .post(`/api/articles/${slug}/comments`)
      .set(authHeader(reader))
      .send({ comment: { body: 'New here' } })
      .expect(201);
    const fresh = await api()
      .get(`/api/articles/${slug}/comments`)
      .set('If-None-Match', comments.headers.etag)
      .expect(200);
    expect(fresh.headers.etag).to.not.equal(comments.headers.etag);
    expect(fresh.body.comments.map((c: { body: string }) => c.body)).to.include('New here');
    await api().get(`/api/articles/${slug}`).set('If-None-Match', article.headers.etag).expect(304);
  });

  it("a favorite changes the article for everyone (its count) and the favoriter's flag", async () => {
    const anonymous = await api().get(`/api/articles/${slug}`).expect(200);
    const asReader = await api().get(`/api/articles/${slug}`).set(authHeader(reader)).expect(200);
    await api().post(`/api/articles/${slug}/favorite`).set(authHeader(reader)).expect(200);
    await api().get(`/api/articles/${slug}`).set('If-None-Match', anonymous.headers.etag).expect(200);
    const after = await api()
      .get(`/api/articles/${slug}`)
      .set(authHeader(reader))
      .set('If-None-Match', asReader.headers.etag)
      .expect(200);
    expect(after.body.article.favorited).to.equal(true);
  });

  it('errors, writes and the health check carry no ETag', async () => {
    const missing = await api().get('/api/articles/no-such-article-anywhere').expect(404);
    expect(missing.headers.etag).to.equal(undefined);
    const created = await api()
      .post(`/api/articles/${slug}/comments`)
      .set(authHeader(reader))
      .send({ comment: { body: 'Another' } })
      .expect(201);
    expect(created.headers.etag).to.equal(undefined);
    const health = await api().get('/health');
    expect(health.headers.etag).to.equal(undefined);
    expect(health.headers['cache-control']).to.equal('no-store');
  });

  it('a POST answered 200 (a favorite) carries no ETag either: only reads are validated', async () => {
    const favorited = await api().post(`/api/articles/${slug}/favorite`).set(authHeader(reader)).expect(200);
    expect(favorited.headers.etag).to.equal(undefined);
    await api().delete(`/api/articles/${slug}/favorite`).set(authHeader(reader)).expect(200);
  });

  it('HEAD carries the ETag of the GET, and answers 304 to it', async () => {
    const got = await api().get('/api/tags').expect(200);
    const head = await api().head('/api/tags').expect(200);
    expect(head.headers.etag).to.be.a('string').and.equal(got.headers.etag);
    await api().head('/api/tags').set('If-None-Match', got.headers.etag).expect(304);
  });

  it('If-None-Match: * matches any current representation', async () => {
    await api().get('/api/tags').set('If-None-Match', '*').expect(304);
  });
});
