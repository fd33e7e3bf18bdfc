import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { LAMBDA_BUNDLE } from '../support/lambda-bundle';

const PROJECT_ROOT = path.resolve(__dirname, '../..');
const MIGRATE_BUNDLE = path.join(path.dirname(LAMBDA_BUNDLE), 'migrate.js');

/** Node running `script` with only this environment (as a Lambda container has), printing JSON. */
async function runNode(script: string, env: Record<string, string>): Promise<unknown> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    cwd: path.dirname(LAMBDA_BUNDLE),
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null');
}

const apiEvent = (rawPath: string) => ({
  version: '2.0',
  routeKey: '$default',
  rawPath,
  rawQueryString: '',
  headers: { host: 'bundle.local', accept: 'application/json' },
  requestContext: { http: { method: 'GET', path: rawPath }, stage: '$default' },
});

/**
 * The deployed bundles themselves, each in a fresh process on a fresh embedded database (the rest
 * of the suite drives the api bundle through SPEC_LAMBDA_BUNDLE=1). Run with that pass only: the
 * bundles must have been built from the current sources (`npm run build && npm run bundle`).
 */
describe('the Lambda bundles (dist/lambda/)', function () {
  this.timeout(120_000);
  let database: EmbeddedPostgres | undefined;
  let url: string;

  before(async function () {
    if (process.env.SPEC_LAMBDA_BUNDLE !== '1') this.skip();
    database = await startEmbeddedPostgres({ dataDir: 'memory://', maxConnections: 6 });
    url = `postgres://${database.user}@${database.host}:${database.port}/${database.dbName}`;
  });

  after(async () => {
    await database?.stop();
  });

  const secrets = { JWT_SECRET: 'bundle-spec-secret-0123456789abcdef0123456789' };

  it('migrate applies every migration in migrations/, under the names the migrator records', async () => {
    const expected = fs
      .readdirSync(path.join(PROJECT_ROOT, 'migrations'))
      .filter((file) => /^Migration\w+\.ts$/.test(file))
      .sort()
      .map((file) => file.replace(/\.ts$/, ''));
    const result = await runNode(
      `require(${JSON.stringify(MIGRATE_BUNDLE)}).handler().then((r) => console.log(JSON.stringify(r)))`,
      { DATABASE_URL: url, ...secrets },
    );
    expect(result).to.deep.equal({ applied: expected });
  });

  it('api answers its first event from its own folder alone, without loading Sentry or GraphQL', async () => {
    // A module the bundle leaves out but nothing copies beside it would, in a checkout, quietly
    // resolve from the project's node_modules; on Lambda it would be missing.
    const result = await runNode(
      `const { handler } = require(${JSON.stringify(LAMBDA_BUNDLE)});
      (async () => {
        const tags = await handler(${JSON.stringify(apiEvent('/api/tags'))}, {});
        const docs = await handler(${JSON.stringify(apiEvent('/docs/swagger-ui.css'))}, {});
        const files = Object.keys(require.cache);
        console.log(JSON.stringify({
          tags: tags.statusCode,
          docs: docs.statusCode,
          outsideItsFolder: files.filter((file) => !file.startsWith(${JSON.stringify(`${path.dirname(LAMBDA_BUNDLE)}${path.sep}`)})),
          sentry: files.some((file) => file.endsWith('sentry-reporter.js')),
          graphql: Boolean(globalThis.TypeGraphQLMetadataStorage) || files.some((file) => file.endsWith('graphql-libraries.js')),
        }));
        // The ORM's pool would keep the process alive; a Lambda container is frozen instead.
        process.exit(0);
      })();`,
      { DATABASE_URL: url, ...secrets },
    );
    expect(result).to.deep.equal({ tags: 200, docs: 200, outsideItsFolder: [], sentry: false, graphql: false });
  });
});
