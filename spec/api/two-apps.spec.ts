import { expect } from 'chai';
import supertest from 'supertest';
import { createApp } from '../../src/app';
import type { AppConfig } from '../../src/config/config';
import { createLogger } from '../../src/logger';
import { TokenService } from '../../src/modules/users/token.service';
import { createUser, DEFAULT_PASSWORD } from '../support/factories';
import { testEnvironment } from '../support/test-env';

/**
 * createApp() is re-entrant: two apps built side by side in one process, on the same database,
 * each keep their own configuration all the way down (middleware, auth checkers, controllers
 * and the services they are built from), and the suite's own app keeps working beside them.
 */
describe('two apps in one process', () => {
  function appWith(overrides: Partial<AppConfig>) {
    const { config: base, database } = testEnvironment();
    const config = { ...base, ...overrides };
    const app = createApp({ config, logger: createLogger(config), orm: database.orm });
    return { config, request: () => supertest(app.callback()) };
  }

  const a = () =>
    appWith({ jwtSecret: 'secret-of-app-a-long-enough-for-any-rule', corsOrigins: ['https://a.example'] });
  const b = () =>
    appWith({ jwtSecret: 'secret-of-app-b-long-enough-for-any-rule', corsOrigins: ['https://b.example'] });

  it('verifies tokens with its own secret', async () => {
    const [appA, appB] = [a(), b()];
    const { user } = await createUser();
    const tokenForA = new TokenService(appA.config).sign(user);
    const auth = { Authorization: `Token ${tokenForA}` };

    await appA.request().get('/api/user').set(auth).expect(200);
    await appB.request().get('/api/user').set(auth).expect(401);
    // The app built first is not the one that wins either.
    await appA.request().get('/api/user').set(auth).expect(200);
  });

  it('signs tokens with its own secret (its own controllers and services)', async () => {
    const [appA, appB] = [a(), b()];
    const { user } = await createUser();
    const login = await appB
      .request()
      .post('/api/users/login')
      .send({ user: { email: user.email, password: DEFAULT_PASSWORD } })
      .expect(200);
    const auth = { Authorization: `Token ${login.body.user.token}` };

    await appB.request().get('/api/user').set(auth).expect(200);
    await appA.request().get('/api/user').set(auth).expect(401);
    await supertest(testEnvironment().target).get('/api/user').set(auth).expect(401);
  });

  it("answers GraphQL with its own resolvers and services: a login on B signs with B's secret", async () => {
    const [appA, appB] = [a(), b()];
    const { user } = await createUser();
    const login = await appB
      .request()
      .post('/graphql')
      .send({
        query: 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
        variables: { e: user.email, p: DEFAULT_PASSWORD },
      })
      .expect(200);
    const auth = { Authorization: `Token ${login.body.data.login.token}` };
    const me = { query: '{ me { username } }' };

    const onB = await appB.request().post('/graphql').set(auth).send(me).expect(200);
    expect(onB.body).to.deep.equal({ data: { me: { username: user.username } } });
    const onA = await appA.request().post('/graphql').set(auth).send(me).expect(200);
    expect(onA.body.errors[0].extensions.code).to.equal('UNAUTHENTICATED');
  });

  it('allows its own CORS origins only', async () => {
    const [appA, appB] = [a(), b()];
    const fromA = await appA.request().get('/api/tags').set('Origin', 'https://a.example').expect(200);
    expect(fromA.headers['access-control-allow-origin']).to.equal('https://a.example');
    const onB = await appB.request().get('/api/tags').set('Origin', 'https://a.example').expect(200);
    expect(onB.headers).not.to.have.property('access-control-allow-origin');
  });
});
