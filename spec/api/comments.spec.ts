import { expect } from 'chai';
import { authHeader, createArticle, createUser } from '../support/factories';
import { api, testEnvironment } from '../support/test-env';

async function articleWithComment() {
  const author = await createUser();
  const commenter = await createUser();
  const article = await createArticle(author.user);
  const response = await api()
    .post(`/api/articles/${article.slug}/comments`)
    .set(authHeader(commenter))
    .send({ comment: { body: 'First!' } })
    .expect(201);
  return { author, commenter, article, comment: response.body.comment };
}

describe('POST /api/articles/:slug/comments', () => {
  it('returns 201 with the comment and its author', async () => {
    const { commenter, comment } = await articleWithComment();
    expect(comment.id).to.be.a('number');
    expect(comment.body).to.equal('First!');
    expect(comment.createdAt).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(comment.updatedAt).to.equal(comment.createdAt);
    expect(comment.author).to.deep.equal({
      username: commenter.user.username,
      bio: commenter.user.bio,
      image: commenter.user.image,
      following: false,
    });
  });

  it('returns 422 for a missing or blank body', async () => {
    const { commenter, article } = await articleWithComment();
    for (const body of [{}, { comment: {} }, { comment: { body: '   ' } }, { comment: { body: 42 } }]) {
      const response = await api().post(`/api/articles/${article.slug}/comments`).set(authHeader(commenter)).send(body);
      expect(response.status, JSON.stringify(body)).to.equal(422);
    }
  });

  it('returns 404 for an unknown article, and the comment lands on no other article', async () => {
    const { article } = await articleWithComment();
    const commenter = await createUser();
    const response = await api()
      .post('/api/articles/no-such-article/comments')
      .set(authHeader(commenter))
      .send({ comment: { body: 'hello?' } })
      .expect(404);
    expect(response.body).to.deep.equal({ errors: { body: ['article not found'] } });
    const list = await api().get(`/api/articles/${article.slug}/comments`).expect(200);
    expect(list.body.comments.map((c: { body: string }) => c.body)).to.deep.equal(['First!']);
  });

  it('returns 401 without a token', async () => {
    const { article } = await articleWithComment();
    await api()
      .post(`/api/articles/${article.slug}/comments`)
      .send({ comment: { body: 'x' } })
      .expect(401);
  });
});

describe('GET /api/articles/:slug/comments', () => {
  it('returns 200 with the comments, newest first', async () => {
    const { author, article, comment } = await articleWithComment();
    const reply = await api()
      .post(`/api/articles/${article.slug}/comments`)
      .set(authHeader(author))
      .send({ comment: { body: 'Thanks' } })
      .expect(201);
    const response = await api().get(`/api/articles/${article.slug}/comments`).expect(200);
    expect(response.body.comments.map((c: { id: number }) => c.id)).to.deep.equal([reply.body.comment.id, comment.id]);
  });

  it('shows whether the viewer follows each comment author', async () => {
    const { commenter, article } = await articleWithComment();
    const reader = await createUser();
    await api().post(`/api/profiles/${commenter.user.username}/follow`).set(authHeader(reader)).expect(200);
    const response = await api().get(`/api/articles/${article.slug}/comments`).set(authHeader(reader)).expect(200);
    expect(response.body.comments[0].author.following).to.equal(true);
  });

  it('returns 200 with an empty list for an article without comments', async () => {
    const author = await createUser();
    const article = await createArticle(author.user);
    const response = await api().get(`/api/articles/${article.slug}/comments`).expect(200);
    expect(response.body).to.deep.equal({ comments: [] });
  });

  it('returns 404 for an unknown article', async () => {
    const response = await api().get('/api/articles/no-such-article/comments').expect(404);
    expect(response.body).to.deep.equal({ errors: { body: ['article not found'] } });
  });

  it('reads the comments in one statement, and looks for the article only when there are none', async () => {
    const { article } = await articleWithComment();
    const empty = await createArticle((await createUser()).user);
    const { sqlLog } = testEnvironment();
    const articleReads = () => sqlLog.all.filter((sql) => /from "?articles"?/i.test(sql) && !/comments/i.test(sql));
    sqlLog.clear();
    await api().get(`/api/articles/${article.slug}/comments`).expect(200);
    expect(articleReads(), sqlLog.all.join('\n')).to.have.length(0);
    sqlLog.clear();
    await api().get(`/api/articles/${empty.slug}/comments`).expect(200);
    expect(articleReads(), sqlLog.all.join('\n')).to.have.length(1);
  });
});

describe('DELETE /api/articles/:slug/comments/:id', () => {
  it('returns 204 for the comment author, and the comment is gone', async () => {
    const { commenter, article, comment } = await articleWithComment();
    const response = await api()
      .delete(`/api/articles/${article.slug}/comments/${comment.id}`)
      .set(authHeader(commenter))
      .expect(204);
    expect(response.text).to.equal('');
    const list = await api().get(`/api/articles/${article.slug}/comments`).expect(200);
    expect(list.body.comments).to.deep.equal([]);
  });

  it('returns 403 to anyone else, even the article author', async () => {
    const { author, article, comment } = await articleWithComment();
    const response = await api()
      .delete(`/api/articles/${article.slug}/comments/${comment.id}`)
      .set(authHeader(author))
      .expect(403);
    expect(response.body).to.deep.equal({ errors: { body: ['only the author may delete this comment'] } });
  });

  it('returns 404 for a comment of another article', async () => {
    const { commenter, comment } = await articleWithComment();
    const other = await articleWithComment();
    await api()
      .delete(`/api/articles/${other.article.slug}/comments/${comment.id}`)
      .set(authHeader(commenter))
      .expect(404);
  });

  it('returns 404 for an unknown or out-of-range id, 422 for a non-numeric one', async () => {
    const { commenter, article } = await articleWithComment();
    for (const id of ['999999999', '99999999999999', '0', '-1', '1.5', '1e300', 'Infinity', '-Infinity']) {
      const response = await api().delete(`/api/articles/${article.slug}/comments/${id}`).set(authHeader(commenter));
      expect(response.status, id).to.equal(404);
      expect(response.body, id).to.deep.equal({ errors: { body: ['comment not found'] } });
    }
    await api().delete(`/api/articles/${article.slug}/comments/abc`).set(authHeader(commenter)).expect(422);
  });

  it('returns 401 without a token', async () => {
    const { article, comment } = await articleWithComment();
    await api().delete(`/api/articles/${article.slug}/comments/${comment.id}`).expect(401);
  });
});
