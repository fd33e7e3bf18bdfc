import { expect } from 'chai';
import { loadConfig } from '../../src/config/config';
import { type Database, openDatabase } from '../../src/db/database';
import { dropOwnedDatabase, recreateOwnedDatabase, withDatabaseName } from '../../src/db/server-databases';
import { serverUrl } from '../support/env';

/**
 * Issue 14: several server processes (two containers of a deploy, `npm start` twice) starting at
 * once on a fresh database, each with MIGRATE_ON_START, must not race to apply the same
 * migrations. Two ORMs in this process hold separate connections, as two processes would.
 */
describe('migrating on start from several processes at once (PostgreSQL server)', () => {
  const url = serverUrl ? withDatabaseName(serverUrl, `conduit_migrate_race_${process.pid}`) : '';

  before(async function () {
    if (!serverUrl) this.skip();
    await recreateOwnedDatabase(url, 'spec');
  });

  after(async () => {
    if (serverUrl) await dropOwnedDatabase(url);
  });

  it('applies each migration once: every process starts, none fails on a half-applied schema', async () => {
    const config = loadConfig({ ...process.env, DATABASE_URL: url });
    const opened = await Promise.allSettled([1, 2, 3].map(() => openDatabase(config, { migrate: true })));
    const databases = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    await Promise.all(databases.map((database: Database) => database.close()));
    expect(
      opened.map((result) => (result.status === 'rejected' ? String(result.reason).slice(0, 200) : 'ok')),
    ).to.deep.equal(['ok', 'ok', 'ok']);
  });
});
