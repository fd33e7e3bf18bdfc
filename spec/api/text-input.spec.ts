import { expect } from 'chai';
import { authHeader, createArticle, createUser, type UserFixture, uniqueUserInput } from '../support/factories';
import { api, em } from '../support/test-env';

// Built from code points so that this file itself holds no invisible characters.
const LONE_SURROGATE = String.fromCharCode(0xd800);
const BELL = String.fromCharCode(0x07);
const ESCAPE = String.fromCharCode(0x1b);
const C1_CONTROL = String.fromCharCode(0x85);
const RIGHT_TO_LEFT_OVERRIDE = String.fromCharCode(0x202e);
const FIRST_STRONG_ISOLATE = String.fromCharCode(0x2068);

/** Characters no single-line text may hold, with a label for failure messages. */
const FORBIDDEN_IN_ANY_TEXT: [string, string][] = [
  ['a lone surrogate', LONE_SURROGATE],
  ['a BEL control character', BELL],
  ['an ESC control character', ESCAPE],
  ['a C1 control character', C1_CONTROL],
  ['a right-to-left override', RIGHT_TO_LEFT_OVERRIDE],
  ['a first-strong isolate', FIRST_STRONG_ISOLATE],
];

function expectRefused(response: { status: number; body: unknown }, label: string) {
  expect(response.status, `${label}: ${JSON.stringify(response.body)}`).to.equal(422);
  expect(response.body).to.have.nested.property('errors.body').that.is.an('array').that.is.not.empty;
}

describe('Text input: ill-formed Unicode, control and bidirectional characters', () => {
  let writer: UserFixture;

  before(async () => {
    writer = await createUser();
  });

  const article = { title: 'A fine title', description: 'A description', body: 'A body', tagList: ['ok'] };

  for (const [label, character] of FORBIDDEN_IN_ANY_TEXT) {
    it(`refuses ${label} in an article's title, description, body or tag (422), and stores nothing`, async () => {
      for (const field of ['title', 'description', 'body', 'tagList'] as const) {
        const value = `before${character}after`;
        const response = await api()
          .post('/api/articles')
          .set(authHeader(writer))
          .send({
            article: { ...article, title: `${field} ${label}`, [field]: field === 'tagList' ? [value] : value },
          });
        expectRefused(response, `${field} with ${label}`);
      }
      const list = await api().get(`/api/articles?author=${writer.user.username}`).expect(200);
      expect(list.body.articles.map((a: { title: string }) => a.title)).not.to.include(`title ${label}`);
    });

    it(`refuses ${label} in an article update, a comment, and a user's username or bio (422)`, async () => {
      const { slug } = await createArticle(writer.user);
      const value = `before${character}after`;
      expectRefused(
        await api()
          .put(`/api/articles/${slug}`)
          .set(authHeader(writer))
          .send({ article: { title: value } }),
        'article update',
      );
      expectRefused(
        await api()
          .post(`/api/articles/${slug}/comments`)
          .set(authHeader(writer))
          .send({ comment: { body: value } }),
        'comment',
      );
      expectRefused(
        await api()
          .post('/api/users')
          .send({ user: { ...uniqueUserInput(), username: `user${character}name` } }),
        'new username',
      );
      expectRefused(
        await api()
          .put('/api/user')
          .set(authHeader(writer))
          .send({ user: { bio: value } }),
        'bio',
      );
    });
  }

  it('echoes nothing it did not store: a lone surrogate in a title is not turned into U+FFFD', async () => {
    // JSON.stringify escapes the lone surrogate as \ud800, which JSON.parse turns back into one.
    const response = await api()
      .post('/api/articles')
      .set(authHeader(writer))
      .send({ article: { ...article, title: `Broken ${LONE_SURROGATE} title` } });
    expectRefused(response, 'lone surrogate title');
    expect(response.body.errors.body.join(' ')).to.match(/title/);
  });

  it('refuses ill-formed Unicode in passwords and login credentials (422), which would hash as U+FFFD', async () => {
    expectRefused(
      await api()
        .post('/api/users')
        .send({ user: { ...uniqueUserInput(), password: `password${LONE_SURROGATE}1` } }),
      'password',
    );
    expectRefused(
      await api()
        .post('/api/users/login')
        .send({ user: { email: writer.user.email, password: `password${LONE_SURROGATE}1` } }),
      'login password',
    );
  });

  it('keeps line breaks and tabs in multi-line fields: body, comment and bio', async () => {
    const multiLine = 'first line\nsecond line\r\n\tindented';
    const created = await api()
      .post('/api/articles')
      .set(authHeader(writer))
      .send({ article: { ...article, title: 'Multi-line body', body: multiLine } })
      .expect(201);
    expect(created.body.article.body).to.equal(multiLine);
    const comment = await api()
      .post(`/api/articles/${created.body.article.slug}/comments`)
      .set(authHeader(writer))
      .send({ comment: { body: multiLine } })
      .expect(201);
    expect(comment.body.comment.body).to.equal(multiLine);
    const user = await api()
      .put('/api/user')
      .set(authHeader(writer))
      .send({ user: { bio: multiLine } })
      .expect(200);
    expect(user.body.user.bio).to.equal(multiLine);
  });

  it('refuses line breaks and tabs in single-line fields: title, description and tags', async () => {
    for (const field of ['title', 'description', 'tagList'] as const) {
      for (const character of ['\n', '\t']) {
        const value = `one${character}two`;
        expectRefused(
          await api()
            .post('/api/articles')
            .set(authHeader(writer))
            .send({ article: { ...article, [field]: field === 'tagList' ? [value] : value } }),
          `${JSON.stringify(character)} in ${field}`,
        );
      }
    }
  });

  it('accepts any well-formed text in any script, emoji and right-to-left text included', async () => {
    const title = 'שלום עולם 👋🏽 Привет, 世界';
    const response = await api()
      .post('/api/articles')
      .set(authHeader(writer))
      .send({ article: { ...article, title, tagList: ['עברית', '😀'] } })
      .expect(201);
    expect(response.body.article.title).to.equal(title);
  });
});

/** The same string in full-width forms (U+FF01..U+FF5E), as some input methods type it. */
function fullWidth(text: string): string {
  return [...text].map((c) => (c >= '!' && c <= '~' ? String.fromCodePoint(c.codePointAt(0)! + 0xfee0) : c)).join('');
}

describe('Usernames that look alike', () => {
  let counter = 0;
  /** A fresh name of plain lower-case letters: digits have no Cyrillic look-alikes to test with. */
  function freshName(): string {
    counter += 1;
    const letters = `${Date.now().toString(36)}${counter.toString(36)}`.replace(
      /[0-9]/g,
      (d) => 'ghijklmnop'[Number(d)]!,
    );
    return `admin${letters}`;
  }

  function register(username: string) {
    const input = uniqueUserInput('lookalike');
    return api()
      .post('/api/users')
      .send({ user: { ...input, username } });
  }

  it('refuses a name that differs only by case, width, or Cyrillic/Greek look-alike letters (422)', async () => {
    const name = freshName();
    await register(name).expect(201);
    for (const [label, variant] of [
      ['upper case', name.toUpperCase()],
      ['a Cyrillic а', `\u0430${name.slice(1)}`],
      ['a Cyrillic о and е', name.replace('o', '\u043e').replace('e', '\u0435')],
      ['a Greek α', `\u03b1${name.slice(1)}`],
      ['full-width letters', fullWidth(name.toUpperCase())],
    ] as const) {
      if (variant === name) continue;
      const response = await register(variant);
      expect(response.status, `${label}: ${JSON.stringify(response.body)}`).to.equal(422);
      expect(response.body.errors.body).to.deep.equal(['username has already been taken']);
    }
  });

  it('refuses a look-alike when renaming too, but lets users keep or re-case their own name', async () => {
    const taken = freshName();
    await register(taken).expect(201);
    const renamer = await createUser();
    const response = await api()
      .put('/api/user')
      .set(authHeader(renamer))
      .send({ user: { username: `\u0430${taken.slice(1)}` } })
      .expect(422);
    expect(response.body.errors.body).to.deep.equal(['username has already been taken']);
    const own = await api()
      .put('/api/user')
      .set(authHeader(renamer))
      .send({ user: { username: renamer.user.username.toUpperCase() } })
      .expect(200);
    expect(own.body.user.username).to.equal(renamer.user.username.toUpperCase());
  });

  it('answers concurrent registrations of look-alike names with one 201 and 422s, never a 500', async () => {
    const name = freshName();
    const variants = [name, name.toUpperCase(), `\u0430${name.slice(1)}`, fullWidth(name), `\u03b1${name.slice(1)}`];
    const statuses = (await Promise.all(variants.map((variant) => register(variant)))).map((r) => r.status);
    expect(
      statuses.filter((status) => status === 201),
      JSON.stringify(statuses),
    ).to.have.length(1);
    expect(
      statuses.filter((status) => status === 422),
      JSON.stringify(statuses),
    ).to.have.length(4);
  });

  it('finds a profile by any spelling that folds to its name, and shows the name as registered', async () => {
    const name = freshName();
    await register(name).expect(201);
    for (const spelling of [name, name.toUpperCase(), `\u0430${name.slice(1)}`, fullWidth(name)]) {
      const response = await api()
        .get(`/api/profiles/${encodeURIComponent(spelling)}`)
        .expect(200);
      expect(response.body.profile.username).to.equal(name);
    }
  });

  it('lets an account that collided before the key existed keep working until it renames', async () => {
    // What the username_key migration leaves for the younger of two accounts that already collided.
    const name = freshName();
    await register(name).expect(201);
    const legacy = await createUser();
    await em().execute('update users set username = ?, username_key = ? where id = ?', [
      name.toUpperCase(),
      `${name}:${legacy.user.id}`,
      legacy.user.id,
    ]);
    const updated = await api()
      .put('/api/user')
      .set(authHeader(legacy))
      .send({ user: { bio: 'still here' } })
      .expect(200);
    expect(updated.body.user).to.include({ username: name.toUpperCase(), bio: 'still here' });
    const renamed = await api()
      .put('/api/user')
      .set(authHeader(legacy))
      .send({ user: { username: `${name}renamed` } })
      .expect(200);
    expect(renamed.body.user.username).to.equal(`${name}renamed`);
    await api().get(`/api/profiles/${name}RENAMED`).expect(200);
  });

  it('keeps names that only look alike to a careless eye but are spelled differently apart', async () => {
    const name = freshName();
    await register(`${name}l`).expect(201);
    await register(`${name}1`).expect(201);
    await register(`${name}_x`).expect(201);
    await register(`${name}.x`).expect(201);
  });
});
