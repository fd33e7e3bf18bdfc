import { expect } from 'chai';
import { type Database, openDatabase } from '../../src/db/database';
import type { Logger } from '../../src/logger';
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

  /** The warnings openDatabase logs on this configuration. */
  async function warningsOpening(dbStatementTimeoutMs: number): Promise<string[]> {
    const warnings: string[] = [];
    const logger = { info() {}, warn: (_fields: object, message: string) => warnings.push(message) };
    const database = await openDatabase(
      { ...testEnvironment().config, dbStatementTimeoutMs },
      { logger: logger as unknown as Logger },
    );
    await database.close();
    return warnings;
  }

  it('opens without a warning when the database bounds statements as the app would', async () => {
    expect(await warningsOpening(testEnvironment().config.dbStatementTimeoutMs)).to.deep.equal([]);
  });

  it('warns at start-up, naming the fix, when the pooled connections have a longer statement_timeout', async () => {
    const configured = testEnvironment().config.dbStatementTimeoutMs;
    const [warning, ...others] = await warningsOpening(configured - 1000);
    expect(others).to.deep.equal([]);
    expect(warning).to.equal(
      `statement_timeout through the pooler is ${configured} ms, longer than DB_STATEMENT_TIMEOUT_MS (${configured - 1000} ms): ` +
        'a slow statement goes on running on the server after its request got 503; ' +
        `set it on the role: ALTER ROLE postgres SET statement_timeout = ${configured - 1000}`,
    );
  });
});
