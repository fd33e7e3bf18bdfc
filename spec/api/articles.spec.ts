import { expect } from 'chai';
import { Article } from '../../src/modules/articles/article.entity';
import { Comment } from '../../src/modules/comments/comment.entity';
import { authHeader, createArticle, createUser, type UserFixture } from '../support/factories';
import { api, em } from '../support/test-env';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function newArticle(overrides: Record<string, unknown> = {}) {
  return {
    article: {
      title: 'How to train your dragon',
      description: 'Ever wonder how?',
      body: 'Very carefully.',
      ...overrides,
    },
  };
}

describe('POST /api/articles', () => {
  it('returns 201 with the article, its author profile and a slug from the title', async () => {
    const author = await createUser();
    const response = await api()
      .post('/api/articles')
      .set(authHeader(author))
      .send(newArticle({ tagList: ['training', 'dragons'] }))
      .expect(201);
    const { article } = response.body;
    expect(article).to.include({
      title: 'How to train your dragon',
      description: 'Ever wonder how?',
      body: 'Very carefully.',
      favorited: false,
      favoritesCount: 0,
    });
    expect(article.slug).to.match(/^how-to-train-your-dragon-[a-z0-9]{6}$/);
    // Sorted, so clients (and the Postman suite) see a stable order.
    expect(article.tagList).to.deep.equal(['dragons', 'training']);
    expect(article.createdAt).to.match(ISO_8601);
    expect(article.updatedAt).to.equal(article.createdAt);
    expect(article.author).to.deep.equal({
      username: author.user.username,
      bio: author.user.bio,
      image: author.user.image,
      following: false,
    });
  });

  it('gives identical titles different slugs', async () => {
    const author = await createUser();
    const first = await api().post('/api/articles').set(authHeader(author)).send(newArticle()).expect(201);
    const second = await api().post('/api/articles').set(authHeader(author)).send(newArticle()).expect(201);
    expect(first.body.article.slug).not.to.equal(second.body.article.slug);
  });

  it('makes URL-safe slugs from Korean titles and from titles with no letters', async () => {
    const author = await createUser();
    const korean = await api()
      .post('/api/articles')
      .set(authHeader(author))
      .send(newArticle({ title: '안녕하세요 세계' }));
    expect(korean.status).to.equal(201);
    expect(korean.body.article.slug).to.match(/^annyeonghaseyo-segye-[a-z0-9]{6}$/);
    expect(korean.body.article.title).to.equal('안녕하세요 세계');
    await api().get(`/api/articles/${korean.body.article.slug}`).expect(200);

    const symbols = await api()
      .post('/api/articles')
      .set(authHeader(author))
      .send(newArticle({ title: '!!! ???' }));
    expect(symbols.body.article.slug).to.match(/^article-[a-z0-9]{6}$/);
  });

  it('normalises tags: trimmed, lower-case, without duplicates or blanks', async () => {
    const author = await createUser();
    const response = await api()
      .post('/api/articles')
      .set(authHeader(author))
      .send(newArticle({ tagList: [' Node ', 'node', 'TypeScript', '', '  ', 'Machine    Learning'] }))
      .expect(201);
    // Inside a tag, any run of white space is one space.
    expect(response.body.article.tagList).to.deep.equal(['machine learning', 'node', 'typescript']);
  });

  it('trims the title it stores (the slug comes from the words alone)', async () => {
    const author = await createUser();
    const response = await api()
      .post('/api/articles')
      .set(authHeader(author))
      .send(newArticle({ title: '  Padded title  ' }))
      .expect(201);
    expect(response.body.article.title).to.equal('Padded title');
    expect(response.body.article.slug).to.match(/^padded-title-[a-z0-9]{6}$/);
  });

  it('accepts a missing or null tagList as no tags', async () => {
    const author = await createUser();
    for (const tagList of [undefined, null]) {
      const response = await api()
        .post('/api/articles')
        .set(authHeader(author))
        .send(newArticle({ tagList }))
        .expect(201);
      expect(response.body.article.tagList).to.deep.equal([]);
    }
  });

  it('returns 422 naming each missing or blank field', async () => {
    const author = await createUser();
    const missing = await api().post('/api/articles').set(authHeader(author)).send({ article: {} }).expect(422);
    expect(missing.body.errors.body.join('\n')).to.include('title').and.include('description').and.include('body');
    const blank = await api()
      .post('/api/articles')
      .set(authHeader(author))
      .send(newArticle({ title: '   ' }))
      .expect(422);
    expect(blank.body).to.deep.equal({ errors: { body: ['title must not be blank'] } });
  });

  it('returns 422 for a tagList that is not a list of short strings', async () => {
    const author = await createUser();
    for (const tagList of [
      'dragons',
      [1, 2],
      [{ a: 1 }],
      ['x'.repeat(65)],
      Array.from({ length: 21 }, (_, i) => `t${i}`),
    ]) {
      const response = await api().post('/api/articles').set(authHeader(author)).send(newArticle({ tagList }));
      expect(response.status, JSON.stringify(tagList)).to.equal(422);
    }
  });

  it('returns 422 without the article envelope', async () => {
    const author = await createUser();
    await api().post('/api/articles').set(authHeader(author)).send({ title: 'x' }).expect(422);
  });

  it('returns 401 without a token', async () => {
    await api().post('/api/articles').send(newArticle()).expect(401);
  });
});

describe('GET /api/articles/:slug', () => {
  it('returns 200 with the article and its body to anyone', async () => {
    const author = await createUser();
    const article = await createArticle(author.user, { tagList: ['b', 'a'], body: 'The body' });
    const response = await api().get(`/api/articles/${article.slug}`).expect(200);
    expect(response.body.article).to.include({
      slug: article.slug,
      body: 'The body',
      favorited: false,
      favoritesCount: 0,
    });
    expect(response.body.article.tagList).to.deep.equal(['a', 'b']);
    expect(response.body.article.author.username).to.equal(author.user.username);
  });

  it('shows the viewer whether they favorited it and follow its author', async () => {
    const author = await createUser();
    const reader = await createUser();
    const article = await createArticle(author.user);
    await api().post(`/api/articles/${article.slug}/favorite`).set(authHeader(reader)).expect(200);
    await api().post(`/api/profiles/${author.user.username}/follow`).set(authHeader(reader)).expect(200);
    const response = await api().get(`/api/articles/${article.slug}`).set(authHeader(reader)).expect(200);
    expect(response.body.article).to.include({ favorited: true, favoritesCount: 1 });
    expect(response.body.article.author.following).to.equal(true);
  });

  it('returns 404 for an unknown slug', async () => {
    const response = await api().get('/api/articles/no-such-article').expect(404);
    expect(response.body).to.deep.equal({ errors: { body: ['article not found'] } });
  });
});

describe('PUT /api/articles/:slug', () => {
  it('returns 200 and changes the body, keeping the slug', async () => {
    const author = await createUser();
    const article = await createArticle(author.user);
    const response = await api()
      .put(`/api/articles/${article.slug}`)
      .set(authHeader(author))
      .send({ article: { body: 'With two hands' } })
      .expect(200);
    expect(response.body.article).to.include({ slug: article.slug, body: 'With two hands', title: article.title });
    expect(Date.parse(response.body.article.updatedAt)).to.be.greaterThan(Date.parse(response.body.article.createdAt));
  });

  it('keeps the slug when the title sent is the one the article already has', async () => {
    const author = await createUser();
    const article = await createArticle(author.user);
    const response = await api()
      .put(`/api/articles/${article.slug}`)
      .set(authHeader(author))
      .send({ article: { title: article.title, description: 'Changed' } })
      .expect(200);
    expect(response.body.article).to.include({ slug: article.slug, description: 'Changed' });
    await api().get(`/api/articles/${article.slug}`).expect(200);
  });

  it('keeps the slug for the same title with white space around it, and stores a new title trimmed', async () => {
    const author = await createUser();
    const article = await createArticle(author.user);
    const same = await api()
      .put(`/api/articles/${article.slug}`)
      .set(authHeader(author))
      .send({ article: { title: `  ${article.title}  ` } })
      .expect(200);
    expect(same.body.article).to.include({ slug: article.slug, title: article.title });
    const renamed = await api()
      .put(`/api/articles/${article.slug}`)
      .set(authHeader(author))
      .send({ article: { title: ' Renamed ' } })
      .expect(200);
    expect(renamed.body.article.title).to.equal('Renamed');
    expect(renamed.body.article.slug).to.match(/^renamed-[a-z0-9]{6}$/);
  });

  it('gives a new title a new slug; the old slug is then 404', async () => {
    const author = await createUser();
    const article = await createArticle(author.user);
    const response = await api()
      .put(`/api/articles/${article.slug}`)
      .set(authHeader(author))
      .send({ article: { title: 'A brand new title', tagList: ['New'] } })
      .expect(200);
    expect(response.body.article.slug).to.match(/^a-brand-new-title-[a-z0-9]{6}$/);
    expect(response.body.article.tagList).to.deep.equal(['new']);
    await api().get(`/api/articles/${article.slug}`).expect(404);
    await api().get(`/api/articles/${response.body.article.slug}`).expect(200);
  });

  it('returns 403 to someone other than the author, and changes nothing', async () => {
    const author = await createUser();
    const other = await createUser();
    const article = await createArticle(author.user, { body: 'original' });
    const response = await api()
      .put(`/api/articles/${article.slug}`)
      .set(authHeader(other))
      .send({ article: { body: 'defaced' } })
      .expect(403);
    expect(response.body).to.deep.equal({ errors: { body: ['only the author may change this article'] } });
    expect((await em().findOneOrFail(Article, { id: article.id })).body).to.equal('original');
  });

  it('returns 404 for an unknown slug', async () => {
    const author = await createUser();
    const response = await api()
      .put('/api/articles/no-such-article')
      .set(authHeader(author))
      .send({ article: { body: 'x' } })
      .expect(404);
    expect(response.body).to.deep.equal({ errors: { body: ['article not found'] } });
  });

  it('returns 422 for a blank field', async () => {
    const author = await createUser();
    const article = await createArticle(author.user);
    await api()
      .put(`/api/articles/${article.slug}`)
      .set(authHeader(author))
      .send({ article: { body: ' ' } })
      .expect(422);
  });

  it('returns 401 without a token', async () => {
    const author = await createUser();
    const article = await createArticle(author.user);
    await api()
      .put(`/api/articles/${article.slug}`)
      .send({ article: { body: 'x' } })
      .expect(401);
  });
});

describe('DELETE /api/articles/:slug', () => {
  it('returns 204 with no body, and removes the article with its comments and favorites', async () => {
    const author = await createUser();
    const reader = await createUser();
    const article = await createArticle(author.user);
    await api().post(`/api/articles/${article.slug}/favorite`).set(authHeader(reader)).expect(200);
    await api()
      .post(`/api/articles/${article.slug}/comments`)
      .set(authHeader(reader))
      .send({ comment: { body: 'hi' } })
      .expect(201);

    const response = await api().delete(`/api/articles/${article.slug}`).set(authHeader(author)).expect(204);
    expect(response.text).to.equal('');
    await api().get(`/api/articles/${article.slug}`).expect(404);
    expect(await em().count(Comment, { article: article.id })).to.equal(0);
  });

  it('returns 403 to someone other than the author, and keeps the article', async () => {
    const author = await createUser();
    const other = await createUser();
    const article = await createArticle(author.user);
    await api().delete(`/api/articles/${article.slug}`).set(authHeader(other)).expect(403);
    await api().get(`/api/articles/${article.slug}`).expect(200);
  });

  it('returns 404 for an unknown slug', async () => {
    const author = await createUser();
    const response = await api().delete('/api/articles/no-such-article').set(authHeader(author)).expect(404);
    expect(response.body).to.deep.equal({ errors: { body: ['article not found'] } });
  });

  it('returns 401 without a token', async () => {
    const author = await createUser();
    const article = await createArticle(author.user);
    await api().delete(`/api/articles/${article.slug}`).expect(401);
  });
});

describe('POST /api/articles/:slug/favorite', () => {
  it('returns 200 with favorited true and the count, and is idempotent', async () => {
    const author = await createUser();
    const reader = await createUser();
    const article = await createArticle(author.user);
    for (const _ of [1, 2]) {
      const response = await api().post(`/api/articles/${article.slug}/favorite`).set(authHeader(reader)).expect(200);
      expect(response.body.article).to.include({ slug: article.slug, favorited: true, favoritesCount: 1 });
    }
  });

  it('counts exactly under concurrent favorites and unfavorites', async () => {
    const author = await createUser();
    const article = await createArticle(author.user);
    const readers: UserFixture[] = await Promise.all(Array.from({ length: 12 }, () => createUser()));
    // Each reader favorites twice at once; half of them then unfavorite twice at once.
    await Promise.all(
      readers.flatMap((reader) =>
        [1, 2].map(() => api().post(`/api/articles/${article.slug}/favorite`).set(authHeader(reader)).expect(200)),
      ),
    );
    await Promise.all(
      readers
        .slice(0, 6)
        .flatMap((reader) =>
          [1, 2].map(() => api().delete(`/api/articles/${article.slug}/favorite`).set(authHeader(reader)).expect(200)),
        ),
    );
    const response = await api().get(`/api/articles/${article.slug}`).expect(200);
    expect(response.body.article.favoritesCount).to.equal(6);
  });

  it('returns 404 for an unknown slug', async () => {
    const reader = await createUser();
    await api().post('/api/articles/no-such-article/favorite').set(authHeader(reader)).expect(404);
  });

  it('returns 401 without a token', async () => {
    const author = await createUser();
    const article = await createArticle(author.user);
    await api().post(`/api/articles/${article.slug}/favorite`).expect(401);
  });
});

describe('DELETE /api/articles/:slug/favorite', () => {
  it('returns 200 with favorited false, and is idempotent', async () => {
    const author = await createUser();
    const reader = await createUser();
    const article = await createArticle(author.user);
    await api().post(`/api/articles/${article.slug}/favorite`).set(authHeader(reader)).expect(200);
    for (const _ of [1, 2]) {
      const response = await api().delete(`/api/articles/${article.slug}/favorite`).set(authHeader(reader)).expect(200);
      expect(response.body.article).to.include({ favorited: false, favoritesCount: 0 });
    }
  });

  it('returns 404 for an unknown slug', async () => {
    const reader = await createUser();
    await api().delete('/api/articles/no-such-article/favorite').set(authHeader(reader)).expect(404);
  });

  it('returns 401 without a token', async () => {
    const author = await createUser();
    const article = await createArticle(author.user);
    await api().delete(`/api/articles/${article.slug}/favorite`).expect(401);
  });
});
