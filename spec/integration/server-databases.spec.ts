import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Client } from 'pg';
import { redactUrl } from '../../src/db/database';
import {
  DatabaseOwnershipError,
  databaseNameOf,
  dropAbandonedDatabases,
  dropOwnedDatabase,
  formatMark,
  parseMark,
  recreateOwnedDatabase,
  withDatabaseName,
} from '../../src/db/server-databases';
import { serverUrl } from '../support/env';

describe('database URL helpers', () => {
  it('reads and replaces the database name', () => {
    expect(databaseNameOf('postgres://u@h:5432/conduit')).to.equal('conduit');
    expect(databaseNameOf('postgres://u@h:5432')).to.equal('postgres');
    expect(withDatabaseName('postgres://u:p@h:5432/conduit?sslmode=require', 'conduit_test')).to.equal(
      'postgres://u:p@h:5432/conduit_test?sslmode=require',
    );
  });

  it('never prints a password', () => {
    expect(redactUrl('postgres://app:hunter2@db:5432/x')).to.equal('postgres://app:***@db:5432/x');
    expect(redactUrl('not a url')).not.to.include('not a url');
  });

  it('reads back only its own ownership marks', () => {
    const mark = { purpose: 'spec', pid: 42, host: 'h', createdAt: '2026-01-01T00:00:00.000Z' };
    expect(parseMark(formatMark(mark))).to.deep.equal(mark);
    expect(parseMark('the production database, do not drop')).to.equal(undefined);
    expect(parseMark(null)).to.equal(undefined);
    expect(parseMark('koa-conduit disposable database {not json')).to.equal(undefined);
  });
});

/** `npm test` (one small spec file) as its own process, with these variables. */
function runNpmTest(env: Record<string, string>) {
  return spawnSync(
    process.execPath,
    [path.resolve('node_modules/mocha/bin/mocha.js'), '--spec', 'spec/api/hello.spec.ts'],
    {
      cwd: path.resolve(__dirname, '../..'),
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 50_000,
    },
  );
}

/**
 * The tools that recreate databases (the spec setup, conformance, bench) drop only what they
 * created. These need a PostgreSQL server: they run in the server pass of the suite.
 */
describe('databases the tools own, on a PostgreSQL server', () => {
  const scratch = `conduit_owned_spec_${process.pid}`;
  let admin: Client;
  let scratchUrl: string;

  before(async function () {
    if (!serverUrl) this.skip();
    scratchUrl = withDatabaseName(serverUrl, scratch);
    admin = new Client({ connectionString: withDatabaseName(serverUrl, 'postgres') });
    await admin.connect();
  });

  after(async () => {
    await admin?.query(`drop database if exists ${scratch} with (force)`);
    await admin?.end();
  });

  async function createForeignDatabaseWithARow() {
    await admin.query(`drop database if exists ${scratch} with (force)`);
    await admin.query(`create database ${scratch}`);
    const client = new Client({ connectionString: scratchUrl });
    await client.connect();
    await client.query('create table precious (id int); insert into precious values (1)');
    await client.end();
  }

  async function preciousRows(): Promise<number> {
    const client = new Client({ connectionString: scratchUrl });
    await client.connect();
    try {
      return (await client.query('select * from precious')).rowCount ?? 0;
    } finally {
      await client.end();
    }
  }

  it('refuses to recreate a database it did not create, and leaves it as it was', async () => {
    await createForeignDatabaseWithARow();
    const error = await recreateOwnedDatabase(scratchUrl, 'spec').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DatabaseOwnershipError);
    expect((error as Error).message).to.include(`refusing to drop database "${scratch}"`);
    expect(await preciousRows()).to.equal(1);
    expect(await dropOwnedDatabase(scratchUrl)).to.equal(false);
    expect(await preciousRows()).to.equal(1);
  });

  it('recreates and drops a database it marked, and refuses one another live run owns', async () => {
    await admin.query(`drop database if exists ${scratch} with (force)`);
    await recreateOwnedDatabase(scratchUrl, 'spec');
    // Ours and our process is alive: a second recreate from another purpose is refused.
    const other = await recreateOwnedDatabase(scratchUrl, 'bench').catch((e: unknown) => e);
    expect(other).to.be.instanceOf(DatabaseOwnershipError);
    expect(await dropOwnedDatabase(scratchUrl)).to.equal(true);
    const left = await admin.query('select 1 from pg_database where datname = $1', [scratch]);
    expect(left.rowCount).to.equal(0);
  });

  it('drops what a killed run left behind, and only that', async () => {
    await admin.query(`drop database if exists ${scratch} with (force)`);
    await admin.query(`create database ${scratch}`);
    // A pid that cannot be alive: pid_max on Linux is at most 2^22.
    const dead = { purpose: 'spec-sweep', pid: 2 ** 22 + 1, host: os.hostname(), createdAt: '' };
    await admin.query(`comment on database ${scratch} is '${formatMark(dead)}'`);
    expect(await dropAbandonedDatabases(serverUrl as string, 'spec-sweep')).to.deep.equal([scratch]);
  });

  it('npm test refuses, in one line, a TEST_DATABASE_NAME it did not create; the data survives', async function () {
    this.timeout(60_000);
    await createForeignDatabaseWithARow();
    const run = runNpmTest({ DATABASE_URL: serverUrl as string, TEST_DATABASE_NAME: scratch });
    expect(run.status).to.equal(1);
    expect(run.stderr.trim().split('\n')).to.have.length(1);
    expect(run.stderr).to.match(/^npm test: refusing to drop database "conduit_owned_spec_\d+"/);
    expect(await preciousRows()).to.equal(1);
  });

  it('npm test refuses a TEST_DATABASE_NAME that is the database DATABASE_URL names', async function () {
    this.timeout(60_000);
    await createForeignDatabaseWithARow();
    const run = runNpmTest({ DATABASE_URL: scratchUrl as string, TEST_DATABASE_NAME: scratch });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(/TEST_DATABASE_NAME "conduit_owned_spec_\d+" is the database DATABASE_URL names/);
    expect(await preciousRows()).to.equal(1);
  });
});
