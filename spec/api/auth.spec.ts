import { expect } from 'chai';
import { createUser, DEFAULT_PASSWORD } from '../support/factories';
import { api } from '../support/test-env';

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

  it('returns 401 for a wrong password or an unknown username', async () => {
    const { user } = await createUser();
    await api().post('/auth').send({ username: user.username, password: 'wrong password' }).expect(401);
    await api()
      .post('/auth')
      .send({ username: `${user.username}-nobody`, password: DEFAULT_PASSWORD })
      .expect(401);
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
