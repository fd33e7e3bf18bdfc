import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import supertest from 'supertest';
import { buildOrmOptions } from '../../mikro-orm.config';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/logger';
import { TagsService } from '../../src/modules/tags/tags.service';
import { errorCodes } from '../support/graphql';
import { capturingLogger } from '../support/log-capture';
import { testEnvironment } from '../support/test-env';

describe('GraphQL errors that are not the caller’s', () => {
  it('answers an unexpected error with a generic message and the request id; the details go only to the log', async () => {
    const { config, database } = testEnvironment();
    const { logger, lines } = capturingLogger();
    const app = createApp({ config, logger, orm: database.orm });
    const original = TagsService.prototype.list;
    TagsService.prototype.list = () => {
      throw new Error('relation "tags" does not exist at select secret from internals');
    };
    try {
      const response = await supertest(app.callback())
        .post('/graphql')
        .set('x-request-id', 'gql-request-1')
        .send({ query: '{ tags }' })
        .expect(200);
      expect(errorCodes(response.body)).to.deep.equal(['INTERNAL_SERVER_ERROR']);
      expect(response.body.errors[0].message).to.equal('internal server error (request id gql-request-1)');
      expect(response.body.errors[0].extensions.requestId).to.equal('gql-request-1');
      expect(response.text).not.to.match(/relation|select|internals|at /);
      expect(response.headers['retry-after'], 'nothing to wait for').to.equal(undefined);
      const logged = lines.find((line) => line.msg === 'unhandled error in a GraphQL resolver');
      expect(logged).to.include({ requestId: 'gql-request-1', path: 'tags' });
      expect(JSON.stringify(logged)).to.match(/select secret from internals/);
    } finally {
      TagsService.prototype.list = original;
    }
  });

  describe('when the database does not answer', () => {
    let orm: MikroORM;

    before(async () => {
      const { config } = testEnvironment();
      orm = await MikroORM.init({
        ...buildOrmOptions({ ...config, dbAcquireTimeoutMs: 1000 }),
        clientUrl: 'postgres://postgres@127.0.0.1:9/unreachable',
        connect: false,
      });
    });

    after(() => orm.close(true));

    it('is SERVICE_UNAVAILABLE with Retry-After, never an internal error', async () => {
      const { config } = testEnvironment();
      const app = createApp({ config, logger: createLogger(config), orm });
      const response = await supertest(app.callback()).post('/graphql').send({ query: '{ tags }' }).expect(200);
      expect(response.headers['retry-after']).to.equal('5');
      expect(errorCodes(response.body)).to.deep.equal(['SERVICE_UNAVAILABLE']);
      expect(response.body.errors[0].message).to.equal('the service is temporarily unavailable, please retry');
    });
  });
});
