import { expect } from 'chai';
import { authHeader, createArticle, createUser, type UserFixture } from '../support/factories';
import { api, testEnvironment } from '../support/test-env';

/** How many articles with this title exist: what a retry must not multiply. */
async function articlesTitled(title: string): Promise<number> {
  const [row] = await testEnvironment()
    .database.orm.em.fork()
    .execute<{ n: number }[]>('select count(*)::int as n from articles where title = ?', [title]);
  return row.n;
}

const newArticle = (title: string) => ({ article: { title, description: 'd', body: 'b', tagList: ['retry'] } });
let sequence = 0;
function uniqueKey(): string {
  sequence += 1;
  return `spec-${process.pid}-${Date.now()}-${sequence}`;
}

describe('Idempotency-Key on POST', () => {
  let writer: UserFixture;

  before(async () => {
    writer = await createUser();
  });

  it('a retry after a lost answer gets the same 201 and body, marked replayed, and writes nothing', async () => {
    const title = `Once only ${uniqueKey()}`;
    const key = uniqueKey();
    const first = await api()
      .post('/api/articles')
      .set(authHeader(writer))
      .set('Idempotency-Key', key)
      .send(newArticle(title))
      .expect(201);
    expect(first.headers['idempotent-replayed']).to.equal(undefined);
    // The client timed out before it read that answer, and sends the request again.
    const retry = await api()
      .post('/api/articles')
      .set(authHeader(writer))
      .set('Idempotency-Key', key)
      .send(newArticle(title))
      .expect(201);
    expect(retry.headers['idempotent-replayed']).to.equal('true');
    expect(retry.body).to.deep.equal(first.body);
    expect(await articlesTitled(title)).to.equal(1);
  });

  it('two identical requests at once: one article; each answer is the 201 or a 409 with Retry-After', async () => {
    const title = `Parallel ${uniqueKey()}`;
    const key = uniqueKey();
    const send = () =>
      api().post('/api/articles').set(authHeader(writer)).set('Idempotency-Key', key).send(newArticle(title));
    const answers = await Promise.all([send(), send(), send()]);
    const created = answers.filter((answer) => answer.status === 201);
    expect(created.length).to.be.greaterThan(0);
    for (const answer of answers) {
      expect(answer.status).to.be.oneOf([201, 409]);
      if (answer.status === 409) {
        expect(answer.headers['retry-after']).to.equal('1');
        expect(answer.body.errors.body[0]).to.match(/still being processed/);
      } else {
        expect(answer.body).to.deep.equal(created[0].body);
      }
    }
    expect(await articlesTitled(title)).to.equal(1);
  });

  it('the same key with another body is 422 and writes nothing', async () => {
    const key = uniqueKey();
    const title = `First body ${key}`;
    await api()
      .post('/api/articles')
      .set(authHeader(writer))
      .set('Idempotency-Key', key)
      .send(newArticle(title))
      .expect(201);
    const other = `Second body ${key}`;
    const response = await api()
      .post('/api/articles')
      .set(authHeader(writer))
      .set('Idempotency-Key', key)
      .send(newArticle(other))
      .expect(422);
    expect(response.body.errors.body[0]).to.match(/Idempotency-Key was already used for a request with another body/);
    expect(await articlesTitled(other)).to.equal(0);
  });

  it('keys are per caller and per path: the same key elsewhere is a new request', async () => {
    const key = uniqueKey();
    const title = `Shared key ${key}`;
    const someoneElse = await createUser();
    await api()
      .post('/api/articles')
      .set(authHeader(writer))
      .set('Idempotency-Key', key)
      .send(newArticle(title))
      .expect(201);
    await api()
      .post('/api/articles')
      .set(authHeader(someoneElse))
      .set('Idempotency-Key', key)
      .send(newArticle(title))
      .expect(201);
    const article = await createArticle(writer.user);
    await api()
      .post(`/api/articles/${article.slug}/comments`)
      .set(authHeader(writer))
      .set('Idempotency-Key', key)
      .send({ comment: { body: 'hi' } })
      .expect(201);
    expect(await articlesTitled(title)).to.equal(2);
  });

  it('a failed request releases its key: the retry runs again', async () => {
    const key = uniqueKey();
    await api()
      .post('/api/articles/no-such-article-here/comments')
      .set(authHeader(writer))
      .set('Idempotency-Key', key)
      .send({ comment: { body: 'hi' } })
      .expect(404);
    const title = `After a failure ${key}`;
    const invalid = { article: { title, description: '', body: 'b' } };
    await api().post('/api/articles').set(authHeader(writer)).set('Idempotency-Key', key).send(invalid).expect(422);
    await api()
      .post('/api/articles')
      .set(authHeader(writer))
      .set('Idempotency-Key', key)
      .send(newArticle(title))
      .expect(201);
    expect(await articlesTitled(title)).to.equal(1);
  });

  it('after 24 hours the key is forgotten: the same request runs again', async () => {
    const key = uniqueKey();
    const title = `A day later ${key}`;
    await api()
      .post('/api/articles')
      .set(authHeader(writer))
      .set('Idempotency-Key', key)
      .send(newArticle(title))
      .expect(201);
    await testEnvironment()
      .database.orm.em.fork()
      .execute("update idempotency_keys set created_at = now() - interval '25 hours' where key = ?", [key]);
    const again = await api()
      .post('/api/articles')
      .set(authHeader(writer))
      .set('Idempotency-Key', key)
      .send(newArticle(title))
      .expect(201);
    expect(again.headers['idempotent-replayed']).to.equal(undefined);
    expect(await articlesTitled(title)).to.equal(2);
  });

  it('a key left unfinished by a process that died is taken over after its 60 s lease', async () => {
    const key = uniqueKey();
    const title = `Orphaned ${key}`;
    const fingerprintOf = (await import('../../src/modules/idempotency/idempotency.service')).IdempotencyService
      .fingerprintOf;
    await testEnvironment()
      .database.orm.em.fork()
      .execute(
        "insert into idempotency_keys (key, owner_id, route, fingerprint, created_at) values (?, ?, 'POST /api/articles', ?, now() - interval '61 seconds')",
        [key, writer.user.id, fingerprintOf(newArticle(title))],
      );
    await api()
      .post('/api/articles')
      .set(authHeader(writer))
      .set('Idempotency-Key', key)
      .send(newArticle(title))
      .expect(201);
    expect(await articlesTitled(title)).to.equal(1);
  });

  it('only POSTs under /api/ are recorded: a PUT, or a POST to /graphql, with a reused key simply runs', async () => {
    const key = uniqueKey();
    for (const bio of ['first bio', 'second bio']) {
      const response = await api()
        .put('/api/user')
        .set(authHeader(writer))
        .set('Idempotency-Key', key)
        .send({ user: { bio } })
        .expect(200);
      expect(response.body.user.bio).to.equal(bio);
      expect(response.headers['idempotent-replayed']).to.equal(undefined);
    }
    for (const query of ['{ tags }', '{ me { username } }']) {
      const response = await api()
        .post('/graphql')
        .set(authHeader(writer))
        .set('Idempotency-Key', key)
        .send({ query })
        .expect(200);
      expect(response.body.errors, query).to.equal(undefined);
    }
  });

  it('a malformed key is 400; without a token the header is ignored', async () => {
    const response = await api()
      .post('/api/articles')
      .set(authHeader(writer))
      .set('Idempotency-Key', 'has spaces in it')
      .send(newArticle(`Bad key ${uniqueKey()}`))
      .expect(400);
    expect(response.body.errors.body[0]).to.match(/Idempotency-Key must be 1 to 255 visible ASCII characters/);
    await api()
      .post('/api/articles')
      .set(authHeader(writer))
      .set('Idempotency-Key', 'x'.repeat(256))
      .send(newArticle(`Long key ${uniqueKey()}`))
      .expect(400);
    await api().post('/api/articles').set('Idempotency-Key', uniqueKey()).send(newArticle('anonymous')).expect(401);
  });

  it('costs the write two statements (claim, then record the answer); a replay two reads', async () => {
    const { sqlLog } = testEnvironment();
    const key = uniqueKey();
    const title = `Counted ${key}`;
    sqlLog.clear();
    await api()
      .post('/api/articles')
      .set(authHeader(writer))
      .send(newArticle(`${title} plain`))
      .expect(201);
    const plain = sqlLog.count;
    sqlLog.clear();
    await api()
      .post('/api/articles')
      .set(authHeader(writer))
      .set('Idempotency-Key', key)
      .send(newArticle(title))
      .expect(201);
    expect(sqlLog.count).to.equal(plain + 2);
    sqlLog.clear();
    await api()
      .post('/api/articles')
      .set(authHeader(writer))
      .set('Idempotency-Key', key)
      .send(newArticle(title))
      .expect(201);
    expect(sqlLog.count).to.equal(2);
  });
});
