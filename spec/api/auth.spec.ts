import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { createUser, DEFAULT_PASSWORD } from '../support/factories';
import { api, testEnvironment } from '../support/test-env';

describe('POST /auth (flask-jwt style)', () => {
  it('returns 200 with an access_token for a valid username and password', async () => {
    const { user } = await createUser();
    const response = await api()
      .post('/auth')
      .send({ username: user.username, password: DEFAULT_PASSWORD })
      .expect(200);
    expect(response.body).to.have.all.keys('access_token');
    await api().get('/protected').set('Authorization', `JWT ${response.body.access_token}`).expect(200);
  });

  it('returns 401 for a wrong password or an unknown username, with one message for both', async () => {
    const { user } = await createUser();
    const wrongPassword = await api()
      .post('/auth')
      .send({ username: user.username, password: 'wrong password' })
      .expect(401);
    const unknownUser = await api()
      .post('/auth')
      .send({ username: `${user.username}-nobody`, password: DEFAULT_PASSWORD })
      .expect(401);
    expect(wrongPassword.body).to.deep.equal({ errors: { body: ['username or password is invalid'] } });
    expect(unknownUser.body).to.deep.equal(wrongPassword.body);
  });

  it('returns 422 when username or password is missing', async () => {
    const response = await api().post('/auth').send({ username: 'someone' }).expect(422);
    expect(response.body.errors.body.join()).to.include('password');
  });
});

describe('GET /protected', () => {
  it('returns 401 without a token', async () => {
    await api().get('/protected').expect(401);
  });

  it('returns 401 with a bad token', async () => {
    const response = await api().get('/protected').set('Authorization', 'JWT abc.def.ghi').expect(401);
    expect(response.headers['www-authenticate']).to.equal('Token');
  });

  it('returns 200 greeting the user of a valid token', async () => {
    const { user, token } = await createUser();
    const response = await api().get('/protected').set('Authorization', `Bearer ${token}`).expect(200);
    expect(response.body).to.deep.equal({
      message: `Hello, ${user.username}! This view is protected.`,
      username: user.username,
    });
  });
});

describe('a correctly signed token whose subject cannot be a user id', () => {
  // Signed with the real secret: only the subject is wrong, so nothing but its check can refuse it.
  function tokenWithSubject(sub: string): string {
    return jwt.sign({ username: 'nobody' }, testEnvironment().config.jwtSecret, {
      algorithm: 'HS256',
      subject: sub,
      expiresIn: '1h',
    });
  }

  for (const sub of ['9'.repeat(400), '2147483648', '0', '007']) {
    it(`is 401, never 500, on required and optional auth routes (sub ${sub.length > 12 ? `${sub.length} digits` : sub})`, async () => {
      const token = tokenWithSubject(sub);
      for (const [path, scheme] of [
        ['/api/user', 'Token'],
        ['/api/articles', 'Token'],
        ['/protected', 'JWT'],
      ]) {
        const response = await api().get(path).set('Authorization', `${scheme} ${token}`);
        expect(response.status, `${path}: ${JSON.stringify(response.body)}`).to.equal(401);
        expect(response.body.errors.body).to.be.an('array').that.is.not.empty;
      }
    });
  }
});
