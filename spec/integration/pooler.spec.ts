import { expect } from 'chai';
import { type Database, openDatabase } from '../../src/db/database';
import { em, testEnvironment } from '../support/test-env';

/** A URL where nothing answers: a connection to it fails at once. */
const NOWHERE = 'postgres://postgres@127.0.0.1:9/nowhere';

describe('DATABASE_DIRECT_URL: migrations and the CLI connect past the pooler', () => {
  let opened: Database | undefined;

  before(function () {
    if (!testEnvironment().config.databaseUrl) this.skip();
  });

  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });

  async function refusal(work: Promise<Database>): Promise<string> {
    const outcome = await work.then(
      (database) => {
        opened = database;
        return 'opened';
      },
      (error: Error) => error.message,
    );
    return outcome;
  }

  it('runs migrations on the direct URL, not on DATABASE_URL', async () => {
    const config = { ...testEnvironment().config, databaseDirectUrl: NOWHERE };
    expect(await refusal(openDatabase(config, { migrate: true }))).to.match(/ECONNREFUSED 127\.0\.0\.1:9/);
  });

  it("opens the migrator's ORM (the CLI, the migrate Lambda) on the direct URL", async () => {
    const config = { ...testEnvironment().config, databaseDirectUrl: NOWHERE };
    expect(await refusal(openDatabase(config, { migrator: true }))).to.match(/ECONNREFUSED 127\.0\.0\.1:9/);
  });

  it("serves the app's requests on DATABASE_URL", async () => {
    const config = { ...testEnvironment().config, databaseDirectUrl: NOWHERE };
    expect(await refusal(openDatabase(config))).to.equal('opened');
    const rows = await opened?.orm.em.fork().getConnection().execute('select 1 as one');
    expect(rows).to.deep.equal([{ one: 1 }]);
  });
});

describe('through a transaction pooler (DATABASE_POOLER=transaction)', () => {
  before(function () {
    if (testEnvironment().config.databasePooler !== 'transaction') {
      console.log(
        '    skipped: DATABASE_POOLER is not transaction (CI runs one pass through PgBouncer: .ci/pgbouncer)',
      );
      this.skip();
    }
  });

  it("bounds the pool's statements by the database's statement_timeout, the configured one", async () => {
    const [row] = await em()
      .getConnection()
      .execute<{ setting: string }[]>(`select setting from pg_settings where name = 'statement_timeout'`);
    expect(Number(row.setting)).to.equal(testEnvironment().config.dbStatementTimeoutMs);
  });

  it('relays PostgreSQL cancelling a statement (57014), and the connection serves the next one', async () => {
    const connection = em().getConnection();
    const error = await em()
      .transactional(async (tx) => {
        // SET LOCAL lasts one transaction: the one setting a transaction pooler lets a client make.
        await tx.execute('set local statement_timeout = 100');
        await tx.execute('select pg_sleep(2)');
      })
      .then(
        () => undefined,
        (caught: unknown) => caught as { code?: string },
      );
    expect(error?.code).to.equal('57014');
    expect(await connection.execute('select 1 as one')).to.deep.equal([{ one: 1 }]);
  });
});
