import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { cliContext, runCommand } from '../support/cli';
import { serverUrl } from '../support/env';
import { runTs } from '../support/processes';

const PROJECT_ROOT = path.resolve(__dirname, '../..');

/** What a process on the embedded database in `folder` is started with (no server, no replicas). */
const embeddedIn = (folder: string, logLevel: string) => ({
  DATABASE_URL: '',
  DATABASE_REPLICA_URLS: '',
  PGLITE_DATA_DIR: folder,
  LOG_LEVEL: logLevel,
  NODE_ENV: 'development',
});

/** The migrate Lambda as its own process, on the embedded database in `folder`. */
const migrateLambda = (folder: string) =>
  runTs(
    ['-e', "require('./src/lambda-migrate').handler().then((r) => console.log(JSON.stringify(r)))"],
    embeddedIn(folder, 'warn'),
  );

/** `npm run cli -- ...args` in this process, on the embedded database in `folder`. */
const cli = (folder: string, ...args: string[]) => runCommand(cliContext(embeddedIn(folder, 'silent')), ...args);

/**
 * The database's life cycle through the real commands on a fresh embedded folder: initdb,
 * migration:down, the migrate Lambda (its own process: the folder changes owner between them),
 * migration:up, seed. It needs no server and does not depend on the transport, so it runs once
 * per CI run (the HTTP pass on the embedded database).
 */
describe('CLI: the database life cycle', function () {
  this.timeout(180_000);
  let folder: string;
  const newest = fs
    .readdirSync(path.join(PROJECT_ROOT, 'migrations'))
    .filter((file) => /^Migration\w+\.ts$/.test(file))
    .sort()
    .at(-1)
    ?.replace(/\.ts$/, '');

  before(function () {
    if (serverUrl || process.env.SPEC_TRANSPORT === 'lambda') this.skip();
    folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-lifecycle-')), 'pglite');
  });

  after(() => {
    if (folder) fs.rmSync(path.dirname(folder), { recursive: true, force: true });
  });

  it('initdb creates the schema, and is a no-op the second time', async () => {
    const first = await cli(folder, 'initdb');
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.match(/applied [1-9]\d* migration\(s\); schema is current/);
    const again = await cli(folder, 'initdb');
    expect(again.stdout).to.include('applied 0 migration(s)');
  });

  it('migration:down reverts the newest migration, and the migrate Lambda applies it again', async () => {
    const down = await cli(folder, 'migration:down');
    expect(down.code, down.stderr).to.equal(0);
    expect(down.stdout.trim()).to.equal(`Reverted ${newest}`);
    const lambda = await migrateLambda(folder);
    expect(lambda.status, lambda.stderr).to.equal(0);
    expect(JSON.parse(lambda.stdout.trim().split('\n').at(-1) as string)).to.deep.equal({ applied: [newest] });
  });

  it('migration:up applies what is pending, and says so when nothing is', async () => {
    await cli(folder, 'migration:down');
    const up = await cli(folder, 'migration:up');
    expect(up.stdout.trim()).to.equal(`Applied ${newest}`);
    const nothing = await cli(folder, 'migration:up');
    expect(nothing.stdout.trim()).to.equal('Nothing to apply.');
  });

  it('user:create on a new embedded database applies the migrations first', async () => {
    const fresh = path.join(path.dirname(folder), 'fresh');
    const created = await cli(
      fresh,
      'user:create',
      '--email',
      'first@example.com',
      '--username',
      'first',
      '--password',
      'password123',
    );
    expect(created.code, created.stderr).to.equal(0);
    expect(created.stdout).to.match(/^Created user #1 first <first@example\.com>\.\n$/);
  });

  it('seed refuses, before inserting anything, what cannot fit', async () => {
    // No users yet: the 2 asked for and the demo account make 3; no articles at all.
    const refused = await cli(folder, 'seed', '--users', '2', '--comments', '1', '--favorites', '1', '--follows', '7');
    expect(refused).to.deep.include({
      code: 1,
      stdout: '',
      stderr:
        'error: cannot seed: comments need at least one article (add --articles); ' +
        'only 0 more unique favorites fit among 3 users and 0 articles; only 6 more unique follows fit among 3 users\n',
    });
  });

  it('seed fills the database with the requested rows', async () => {
    const seed = await cli(
      folder,
      'seed',
      '--users',
      '3',
      '--articles',
      '4',
      '--comments',
      '5',
      '--favorites',
      '2',
      '--follows',
      '2',
    );
    expect(seed.code, seed.stderr).to.equal(0);
    for (const [phase, rows] of Object.entries({ users: 3, articles: 4, comments: 5, favorites: 2, follows: 2 })) {
      expect(seed.stdout).to.match(new RegExp(`^${phase}: ${rows} in \\d\\.\\d\\d s$`, 'm'));
    }
    // With 3 users, the demo account can follow only those 3 (some perhaps already by the random follows).
    expect(seed.stdout).to.match(
      /^Demo user "demo" <demo@example\.com> \(#\d+, created\) follows 3 users \([1-3] new\)\.$/m,
    );
    expect(seed.stdout).to.match(
      /^Seeded 3 users, 4 articles, 5 comments, 2 favorites and 2 follows in \d\.\d\d s\.$/m,
    );
    const again = await cli(folder, 'seed', '--users', '1');
    expect(again.stdout).to.match(
      /^Demo user "demo" <demo@example\.com> \(#\d+, existing\) follows 4 users \(1 new\)\.$/m,
    );
  });
});
