import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import supertest from 'supertest';
import { buildOrmOptions } from '../../mikro-orm.config';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/logger';
import { testEnvironment } from '../support/test-env';

/**
 * GET /health over HTTP when the database does not answer: an app of its own (createApp is
 * re-entrant) on an ORM pointed at a port where nothing listens.
 */
describe('GET /health when the database does not answer', () => {
  let orm: MikroORM;
  let request: () => supertest.Agent;

  before(async () => {
    const { config } = testEnvironment();
    orm = await MikroORM.init({
      ...buildOrmOptions({ ...config, dbAcquireTimeoutMs: 1000 }),
      clientUrl: 'postgres://postgres@127.0.0.1:9/unreachable',
      connect: false,
    });
    const app = createApp({ config, logger: createLogger(config), orm });
    request = () => supertest(app.callback());
  });

  after(() => orm.close(true));

  it('returns 503 with Retry-After, in the shape of the 200', async () => {
    const response = await request().get('/health').expect(503);
    expect(response.headers['retry-after']).to.equal('5');
    expect(response.body).to.include({ status: 'unavailable', database: 'down' });
  });

  it('answers an API route with 503 and Retry-After, not 500', async () => {
    const response = await request().get('/api/tags').expect(503);
    expect(response.headers['retry-after']).to.equal('5');
    expect(response.body).to.deep.equal({ errors: { body: ['the service is temporarily unavailable, please retry'] } });
  });
});
