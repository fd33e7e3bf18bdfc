import { expect } from 'chai';
import { version } from '../../package.json';
import { api, testEnvironment } from '../support/test-env';

describe('GET /', () => {
  it('answers 200 "Hello World!" as plain text (the talk\'s first test)', async () => {
    const response = await api().get('/').expect(200);
    expect(response.text).to.equal('Hello World!');
    expect(response.headers['content-type']).to.match(/^text\/plain/);
  });
});

describe('GET /health', () => {
  it('answers 200 with status, database and version when the database answers', async () => {
    const response = await api().get('/health').expect(200);
    // With replicas (the CI pass on .ci/replica's clusters), how many answered too.
    const replicas = testEnvironment().config.databaseReplicaUrls.length;
    expect(response.body).to.deep.equal({
      status: 'ok',
      database: 'up',
      version,
      ...(replicas > 0 && { replicas: { configured: replicas, up: replicas } }),
    });
  });
});
