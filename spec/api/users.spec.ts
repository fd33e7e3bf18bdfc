import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { User } from '../../src/modules/users/user.entity';
import { authHeader, createUser, DEFAULT_PASSWORD, uniqueUserInput } from '../support/factories';
import { api, em, testEnvironment } from '../support/test-env';

function expectErrors(body: unknown, ...fragments: string[]) {
  const messages = (body as { errors: { body: string[] } }).errors.body;
  expect(messages).to.be.an('array').that.is.not.empty;
  for (const fragment of fragments) {
    expect(messages.join('\n')).to.include(fragment);
  }
}

describe('POST /api/users', () => {
  it('registers a user: 201 with email, token, username, bio and image, and no password', async () => {
    const input = uniqueUserInput();
    const response = await api().post('/api/users').send({ user: input }).expect(201);
    expect(response.body.user).to.include({ email: input.email, username: input.username, bio: null, image: null });
    expect(response.body.user.token).to.be.a('string');
    expect(JSON.stringify(response.body)).not.to.include(input.password).and.not.to.include('argon2');

    const saved = await em().findOneOrFail(User, { username: input.username });
    expect(saved.passwordHash).to.match(/^\$argon2id\$/);
  });

  it('returns 422 naming each missing field', async () => {
    const response = await api().post('/api/users').send({ user: {} }).expect(422);
    expectErrors(response.body, 'username', 'email', 'password');
  });

  it('returns 422 when the user envelope is missing or not an object', async () => {
    for (const body of [{}, { user: null }, { user: 'alice' }, { user: [] }, { email: 'a@b.co' }]) {
      const response = await api().post('/api/users').send(body).expect(422);
      expectErrors(response.body, 'user');
    }
  });

  it('returns 422 for an email with spaces around it (it is stored as sent, so it must be sent bare)', async () => {
    const input = uniqueUserInput();
    const response = await api()
      .post('/api/users')
      .send({ user: { ...input, email: ` ${input.email} ` } })
      .expect(422);
    expect(response.body).to.deep.equal({ errors: { body: ['email must be an email address'] } });
  });

  it('returns 422 for an invalid email, a short password and an unsafe username', async () => {
    const input = { ...uniqueUserInput(), email: 'not-an-email', password: 'short', username: 'has space' };
    const response = await api().post('/api/users').send({ user: input }).expect(422);
    expectErrors(response.body, 'email', 'password', 'username');
  });

  it('returns one message per field, the first rule it breaks', async () => {
    // An empty username also fails the allowed-characters rule; only its first problem is listed.
    const response = await api()
      .post('/api/users')
      .send({ user: { username: '', email: 'nope', password: '' } })
      .expect(422);
    expect(response.body).to.deep.equal({
      errors: {
        body: [
          'username must be longer than or equal to 1 characters',
          'email must be an email address',
          'password must be longer than or equal to 8 characters',
        ],
      },
    });
  });

  it('returns 422 for fields of the wrong type without echoing them', async () => {
    const response = await api()
      .post('/api/users')
      .send({ user: { username: { $ne: 1 }, email: ['x'], password: 123456789 } })
      .expect(422);
    expect(JSON.stringify(response.body)).not.to.include('$ne');
    expect(JSON.stringify(response.body)).not.to.include('123456789');
  });

  it('returns 422 when the email is taken, whatever its case', async () => {
    const { user } = await createUser();
    const input = { ...uniqueUserInput(), email: user.email.toUpperCase() };
    const response = await api().post('/api/users').send({ user: input }).expect(422);
    expect(response.body).to.deep.equal({ errors: { body: ['email has already been taken'] } });
  });

  it('returns 422 when the username is taken', async () => {
    const { user } = await createUser();
    const input = { ...uniqueUserInput(), username: user.username };
    const response = await api().post('/api/users').send({ user: input }).expect(422);
    expect(response.body).to.deep.equal({ errors: { body: ['username has already been taken'] } });
  });

  it('answers concurrent registrations of one email with one 201 and 422s, never a 500', async () => {
    const input = uniqueUserInput();
    const responses = await Promise.all(
      [0, 1, 2, 3].map((n) =>
        api()
          .post('/api/users')
          .send({ user: { ...input, username: `${input.username}x${n}` } }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).to.deep.equal([201, 422, 422, 422]);
    for (const r of responses.filter((r) => r.status === 422)) {
      expect(r.body.errors.body).to.deep.equal(['email has already been taken']);
    }
  });

  it('ignores properties it does not know', async () => {
    const input = uniqueUserInput();
    const response = await api()
      .post('/api/users')
      .send({ user: { ...input, id: 1, passwordHash: 'x', admin: true } })
      .expect(201);
    expect(response.body.user).to.have.all.keys('email', 'token', 'username', 'bio', 'image', 'emailNotifications');
    const saved = await em().findOneOrFail(User, { username: input.username });
    expect(saved.id).not.to.equal(1);
    expect(saved.passwordHash).to.match(/^\$argon2id\$/);
  });

  it('returns 400 in the error shape for malformed JSON', async () => {
    const response = await api()
      .post('/api/users')
      .set('content-type', 'application/json')
      .send('{"user": {"email": ')
      .expect(400);
    expect(response.body).to.deep.equal({ errors: { body: ['request body is not valid JSON'] } });
  });

  it('returns 413 in the error shape for a body over the limit', async () => {
    const bio = 'x'.repeat(100 * 1024);
    const response = await api()
      .post('/api/users')
      .send({ user: { ...uniqueUserInput(), bio } })
      .expect(413);
    expectErrors(response.body, 'request body is larger than 64kb');
  });
});

describe('POST /api/users/login', () => {
  it('returns 200 with the user and a token for the right credentials', async () => {
    const { user } = await createUser();
    const response = await api()
      .post('/api/users/login')
      .send({ user: { email: user.email, password: DEFAULT_PASSWORD } })
      .expect(200);
    expect(response.body.user).to.include({ email: user.email, username: user.username });
    const claims = jwt.verify(response.body.user.token, testEnvironment().config.jwtSecret) as jwt.JwtPayload;
    expect(claims.sub).to.equal(String(user.id));
  });

  it('matches the email regardless of case', async () => {
    const { user } = await createUser();
    await api()
      .post('/api/users/login')
      .send({ user: { email: user.email.toUpperCase(), password: DEFAULT_PASSWORD } })
      .expect(200);
  });

  it('returns 401 for a wrong password and for an unknown email, with one message for both', async () => {
    const { user } = await createUser();
    const wrongPassword = await api()
      .post('/api/users/login')
      .send({ user: { email: user.email, password: 'wrong password' } })
      .expect(401);
    const unknownEmail = await api()
      .post('/api/users/login')
      .send({ user: { email: `nobody-${user.email}`, password: 'wrong password' } })
      .expect(401);
    expect(wrongPassword.body).to.deep.equal(unknownEmail.body);
    expect(wrongPassword.body).to.deep.equal({ errors: { body: ['email or password is invalid'] } });
  });

  it('returns 422 when email or password is missing', async () => {
    const response = await api()
      .post('/api/users/login')
      .send({ user: { email: 'a@b.co' } })
      .expect(422);
    expectErrors(response.body, 'password');
  });
});

describe('GET /api/user', () => {
  for (const scheme of ['Token', 'Bearer', 'JWT']) {
    it(`returns 200 with the current user for "Authorization: ${scheme} <jwt>"`, async () => {
      const { user, token } = await createUser();
      const response = await api().get('/api/user').set('Authorization', `${scheme} ${token}`).expect(200);
      expect(response.body.user).to.include({ email: user.email, username: user.username });
      expect(response.body.user.token).to.be.a('string');
    });
  }

  it('returns 401 without a token', async () => {
    const response = await api().get('/api/user').expect(401);
    expect(response.body).to.deep.equal({ errors: { body: ['missing or invalid authorization token'] } });
  });

  it('returns 401 for a malformed header, a forged, an expired and an unsigned token', async () => {
    const { user } = await createUser();
    const secret = testEnvironment().config.jwtSecret;
    const forged = jwt.sign({ username: user.username }, 'another secret', { subject: String(user.id) });
    const expired = jwt.sign({ username: user.username, exp: Math.floor(Date.now() / 1000) - 60 }, secret, {
      subject: String(user.id),
    });
    const unsigned = jwt.sign({ username: user.username }, '', { subject: String(user.id), algorithm: 'none' });
    for (const header of [
      'Token',
      'Basic abc',
      'Token not-a-jwt',
      `Token ${forged}`,
      `Token ${expired}`,
      `Token ${unsigned}`,
    ]) {
      const response = await api().get('/api/user').set('Authorization', header);
      expect(response.status, header).to.equal(401);
    }
  });

  it('returns 401 for a valid token of a deleted user', async () => {
    const { user, token } = await createUser();
    await em().nativeDelete(User, { id: user.id });
    await api().get('/api/user').set('Authorization', `Token ${token}`).expect(401);
  });
});

describe('PUT /api/user', () => {
  it('returns 200 and changes email, username, bio and image', async () => {
    const { user, token } = await createUser();
    const changes = { ...uniqueUserInput('new'), bio: 'I like specs', image: 'https://example.com/me.png' };
    const { password: _password, ...expected } = changes;
    const response = await api()
      .put('/api/user')
      .set('Authorization', `Token ${token}`)
      .send({ user: { email: changes.email, username: changes.username, bio: changes.bio, image: changes.image } })
      .expect(200);
    expect(response.body.user).to.include(expected);
    const saved = await em().findOneOrFail(User, { id: user.id });
    expect(saved).to.include(expected);
  });

  it('turns emailNotifications off and on again (an extension; GET /api/user returns it)', async () => {
    const fixture = await createUser();
    const before = await api().get('/api/user').set(authHeader(fixture)).expect(200);
    expect(before.body.user.emailNotifications, 'on by default').to.equal(true);
    const off = await api()
      .put('/api/user')
      .set(authHeader(fixture))
      .send({ user: { emailNotifications: false } })
      .expect(200);
    expect(off.body.user).to.include({ emailNotifications: false, username: fixture.user.username });
    expect((await api().get('/api/user').set(authHeader(fixture)).expect(200)).body.user.emailNotifications).to.equal(
      false,
    );
    expect((await em().findOneOrFail(User, { id: fixture.user.id })).emailNotifications).to.equal(false);
    const on = await api()
      .put('/api/user')
      .set(authHeader(fixture))
      .send({ user: { emailNotifications: true } })
      .expect(200);
    expect(on.body.user.emailNotifications).to.equal(true);
  });

  for (const value of ['no', 0, null, 'false']) {
    it(`returns 422 for emailNotifications ${JSON.stringify(value)} (only true or false)`, async () => {
      const fixture = await createUser();
      const response = await api()
        .put('/api/user')
        .set(authHeader(fixture))
        .send({ user: { emailNotifications: value } })
        .expect(422);
      expect(response.body.errors.body).to.deep.equal(['emailNotifications must be true or false']);
    });
  }

  it('changes the password: the new one logs in, the old one no longer does', async () => {
    const { user, token } = await createUser();
    await api()
      .put('/api/user')
      .set('Authorization', `Token ${token}`)
      .send({ user: { password: 'a brand new password' } })
      .expect(200);
    await api()
      .post('/api/users/login')
      .send({ user: { email: user.email, password: 'a brand new password' } })
      .expect(200);
    await api()
      .post('/api/users/login')
      .send({ user: { email: user.email, password: DEFAULT_PASSWORD } })
      .expect(401);
  });

  it('clears bio and image with null or an empty string, and leaves absent fields alone', async () => {
    const { user, token } = await createUser({ bio: 'old bio', image: 'https://example.com/old.png' });
    const response = await api()
      .put('/api/user')
      .set('Authorization', `Token ${token}`)
      .send({ user: { bio: null, image: '' } })
      .expect(200);
    expect(response.body.user).to.include({ bio: null, image: null, email: user.email, username: user.username });
  });

  it('changes only the fields sent: a new bio keeps the image, a new image keeps the bio', async () => {
    const { user, token } = await createUser({ bio: 'old bio', image: 'https://example.com/old.png' });
    const bio = await api()
      .put('/api/user')
      .set('Authorization', `Token ${token}`)
      .send({ user: { bio: 'new bio' } })
      .expect(200);
    expect(bio.body.user).to.include({ bio: 'new bio', image: 'https://example.com/old.png', email: user.email });
    const image = await api()
      .put('/api/user')
      .set('Authorization', `Token ${token}`)
      .send({ user: { image: 'https://example.com/new.png' } })
      .expect(200);
    expect(image.body.user).to.include({ bio: 'new bio', image: 'https://example.com/new.png' });
  });

  it('keeps its own email and username without calling them taken', async () => {
    const { user, token } = await createUser();
    await api()
      .put('/api/user')
      .set('Authorization', `Token ${token}`)
      .send({ user: { email: user.email.toUpperCase(), username: user.username } })
      .expect(200);
  });

  it('returns 422 when the new email or username belongs to someone else', async () => {
    const { token } = await createUser();
    const { user: other } = await createUser();
    const response = await api()
      .put('/api/user')
      .set('Authorization', `Token ${token}`)
      .send({ user: { email: other.email, username: other.username } })
      .expect(422);
    expect(response.body.errors.body).to.deep.equal([
      'email has already been taken',
      'username has already been taken',
    ]);
  });

  it('returns 422 for invalid values and loses no data', async () => {
    const { user, token } = await createUser();
    const response = await api()
      .put('/api/user')
      .set('Authorization', `Token ${token}`)
      .send({ user: { email: '', username: 'bad name', image: 'javascript:alert(1)', password: 'short' } })
      .expect(422);
    expectErrors(response.body, 'email', 'username', 'image', 'password');
    const saved = await em().findOneOrFail(User, { id: user.id });
    expect(saved.email).to.equal(user.email);
    expect(saved.username).to.equal(user.username);
  });

  it('returns 401 without a token', async () => {
    await api()
      .put('/api/user')
      .send({ user: { bio: 'x' } })
      .expect(401);
  });
});
