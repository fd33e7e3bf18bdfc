import { expect } from 'chai';
import { authHeader, createArticle, createUser, uniqueTag } from '../support/factories';
import { api } from '../support/test-env';

/**
 * A word no other spec's article contains: letters only, ending in a consonant the English
 * stemmer leaves alone, so it is indexed and searched as written.
 */
function uniqueWord(): string {
  const letters = 'bcdfghjklmnpqrtvwxz';
  let word = 'zq';
  for (let i = 0; i < 10; i += 1) word += letters[Math.floor(Math.random() * letters.length)];
  return `${word}k`;
}

/** `minutes` minutes ago: explicit creation times make "newest first" among ties deterministic. */
function minutesAgo(minutes: number): Date {
  return new Date(Date.now() - minutes * 60_000);
}

async function searchSlugs(query: Record<string, string | number>): Promise<string[]> {
  const response = await api().get('/api/articles').query(query).expect(200);
  return response.body.articles.map((a: { slug: string }) => a.slug);
}

describe('GET /api/articles?search=', () => {
  it('ranks a title match above a description match above a body match, ties newest first', async () => {
    const author = await createUser();
    const word = uniqueWord();
    const inBody = await createArticle(author.user, {
      title: 'First',
      body: `Some ${word} here`,
      createdAt: minutesAgo(1),
    });
    const inTitleOld = await createArticle(author.user, { title: `${word} old`, createdAt: minutesAgo(40) });
    const inDescription = await createArticle(author.user, {
      title: 'Second',
      description: `About ${word}`,
      createdAt: minutesAgo(2),
    });
    const inTitleNew = await createArticle(author.user, { title: `${word} new`, createdAt: minutesAgo(30) });
    await createArticle(author.user, { title: 'Unrelated', createdAt: minutesAgo(0) });

    const response = await api().get('/api/articles').query({ search: word }).expect(200);
    expect(response.body.articles.map((a: { slug: string }) => a.slug)).to.deep.equal([
      inTitleNew.slug,
      inTitleOld.slug,
      inDescription.slug,
      inBody.slug,
    ]);
    expect(response.body.articlesCount).to.equal(4);
  });

  it('matches every word (AND), in any field', async () => {
    const author = await createUser();
    const [one, two] = [uniqueWord(), uniqueWord()];
    const both = await createArticle(author.user, { title: `${one} title`, body: `and ${two} in the body` });
    await createArticle(author.user, { title: `${one} only` });
    expect(await searchSlugs({ search: `${one} ${two}` })).to.deep.equal([both.slug]);
    expect(await searchSlugs({ search: `${two} ${one}` })).to.deep.equal([both.slug]);
  });

  it('stems English words: "running" finds "runs", "runs" finds "running"', async () => {
    const author = await createUser();
    const runs = await createArticle(author.user, { title: 'Morning routine', body: 'She runs every day.' });
    const running = await createArticle(author.user, { title: 'Running shoes' });
    const username = author.user.username;
    expect(await searchSlugs({ search: 'running', author: username })).to.have.members([runs.slug, running.slug]);
    expect(await searchSlugs({ search: 'runs ', author: username })).to.have.members([runs.slug, running.slug]);
    expect(await searchSlugs({ search: 'shoe ', author: username })).to.deep.equal([running.slug]);
  });

  it('finds English stop words as written ("the"), through the simple configuration', async () => {
    const author = await createUser();
    const article = await createArticle(author.user, { title: 'The end' });
    await createArticle(author.user, { title: 'An ending' });
    expect(await searchSlugs({ search: 'the ', author: author.user.username })).to.deep.equal([article.slug]);
  });

  it('finds Korean text by word and by prefix', async () => {
    const author = await createUser();
    const korean = await createArticle(author.user, {
      title: '안녕하세요 세계',
      description: '한국어 설명',
      body: '본문입니다',
    });
    await createArticle(author.user, { title: 'Hello world' });
    const username = author.user.username;
    expect(await searchSlugs({ search: '세계', author: username })).to.deep.equal([korean.slug]);
    expect(await searchSlugs({ search: '안녕', author: username })).to.deep.equal([korean.slug]);
    expect(await searchSlugs({ search: '한국어 설명 ', author: username })).to.deep.equal([korean.slug]);
    expect(await searchSlugs({ search: '세계 hello', author: username })).to.deep.equal([]);
  });

  it('treats the last word as a prefix while it is being typed ("searc" finds "search")', async () => {
    const author = await createUser();
    const article = await createArticle(author.user, { title: 'A search engine' });
    const username = author.user.username;
    expect(await searchSlugs({ search: 'searc', author: username })).to.deep.equal([article.slug]);
    expect(await searchSlugs({ search: 'a search eng', author: username })).to.deep.equal([article.slug]);
    // A finished word (followed by a space or punctuation) is not a prefix.
    expect(await searchSlugs({ search: 'searc ', author: username })).to.deep.equal([]);
    // Only the last word: a prefix earlier in the text must be a whole word.
    expect(await searchSlugs({ search: 'searc engine', author: username })).to.deep.equal([]);
  });

  it('combines with tag, author and favorited, and pages; articlesCount is the filtered total', async () => {
    const [author, other, reader] = await Promise.all([createUser(), createUser(), createUser()]);
    const word = uniqueWord();
    const tag = uniqueTag('search');
    const tagged = [];
    for (let i = 0; i < 3; i += 1) {
      tagged.push(
        await createArticle(author.user, { title: `${word} ${i}`, tagList: [tag], createdAt: minutesAgo(10 - i) }),
      );
    }
    await createArticle(author.user, { title: `${word} untagged`, createdAt: minutesAgo(5) });
    await createArticle(author.user, { title: 'not a match', tagList: [tag] });
    const byOther = await createArticle(other.user, { title: `${word} by other`, tagList: [tag] });
    for (const article of [tagged[0], byOther]) {
      await api().post(`/api/articles/${article.slug}/favorite`).set(authHeader(reader)).expect(200);
    }
    const newestTagged = tagged.map((a) => a.slug).reverse();

    const page = await api().get('/api/articles').query({ search: word, tag, author: author.user.username, limit: 2 });
    expect(page.status).to.equal(200);
    expect(page.body.articles.map((a: { slug: string }) => a.slug)).to.deep.equal(newestTagged.slice(0, 2));
    expect(page.body.articlesCount).to.equal(3);
    const next = await api()
      .get('/api/articles')
      .query({ search: word, tag, author: author.user.username, limit: 2, offset: 2 })
      .expect(200);
    expect(next.body.articles.map((a: { slug: string }) => a.slug)).to.deep.equal(newestTagged.slice(2));
    expect(next.body.articlesCount).to.equal(3);
    const past = await api().get('/api/articles').query({ search: word, tag, offset: 50 }).expect(200);
    expect(past.body).to.deep.equal({ articles: [], articlesCount: 4 });

    const favorited = await api()
      .get('/api/articles')
      .query({ search: word, favorited: reader.user.username })
      .expect(200);
    expect(favorited.body.articles.map((a: { slug: string }) => a.slug)).to.have.members([
      tagged[0].slug,
      byOther.slug,
    ]);
    expect(favorited.body.articlesCount).to.equal(2);
  });

  it('applies no search filter for empty, blank or punctuation-only text', async () => {
    const author = await createUser();
    const articles = [];
    for (let i = 0; i < 3; i += 1) articles.push(await createArticle(author.user, { createdAt: minutesAgo(10 - i) }));
    const newestFirst = articles.map((a) => a.slug).reverse();
    for (const search of ['', '   ', '!!!', '&|!', ':*', "''"]) {
      const response = await api().get('/api/articles').query({ search, author: author.user.username });
      expect(response.status, JSON.stringify(search)).to.equal(200);
      expect(
        response.body.articles.map((a: { slug: string }) => a.slug),
        JSON.stringify(search),
      ).to.deep.equal(newestFirst);
      expect(response.body.articlesCount).to.equal(3);
    }
  });

  it('returns 422 for text longer than 200 characters, with a line break or control character, or repeated', async () => {
    await api()
      .get('/api/articles')
      .query({ search: 'a'.repeat(200) })
      .expect(200);
    for (const search of [
      'a'.repeat(201),
      'x'.repeat(10_240),
      'line\nbreak',
      'tab\there',
      'bell\u0007',
      'bidi\u202e',
    ]) {
      const response = await api().get('/api/articles').query({ search });
      expect(response.status, JSON.stringify(search.slice(0, 20))).to.equal(422);
      expect(response.body.errors.body[0]).to.match(/^search /);
    }
    await api().get('/api/articles?search=a&search=b').expect(422);
  });

  describe('hostile text is a plain search, never a 500', () => {
    const cases: [string, number][] = [
      ["'", 200],
      ["o'reilly", 200],
      ['&', 200],
      ['a & b', 200],
      ['a | b', 200],
      ['!a', 200],
      ['a:*', 200],
      ['a:AB', 200],
      [':*', 200],
      ['\\', 200],
      ['a\\', 200],
      ["\\'; drop table articles; --", 200],
      ['(a | b) & !c', 200],
      ['a <-> b', 200],
      ['a <2> b', 200],
      ['%', 200],
      ['_', 200],
      ['?', 200],
      [':search', 200],
      ['$1', 200],
      ['\u0301', 200],
      ['🙂 emoji', 200],
      // A URL carries UTF-8 bytes: a lone surrogate arrives as U+FFFD, which is no word.
      ['\ud800', 200],
      // The URL guard refuses an encoded NUL anywhere in a URL.
      ['\u0000', 400],
      ['x'.repeat(10_240), 422],
      ["'&|!:*\\".repeat(30), 422],
    ];
    for (const [search, status] of cases) {
      it(`${JSON.stringify(search.length > 30 ? `${search.slice(0, 12)}… (${search.length})` : search)}: ${status}`, async () => {
        const response = await api().get('/api/articles').query({ search });
        expect(response.status).to.equal(status);
        if (status === 200) expect(response.body.articles).to.be.an('array');
      });
    }
  });
});
