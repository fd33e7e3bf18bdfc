import { expect } from 'chai';
import { buildOrmOptions, connectionTimeouts } from '../../mikro-orm.config';
import { loadConfig } from '../../src/config/config';

describe('ORM connection options', () => {
  const url = 'postgres://app@db.internal:5432/conduit';

  it('sends statement_timeout with every connection to PostgreSQL', () => {
    const config = loadConfig({ DATABASE_URL: url, DB_STATEMENT_TIMEOUT_MS: '2500' });
    expect(connectionTimeouts(config)).to.deep.equal({ statement_timeout: 2500, connectionTimeoutMillis: 5000 });
    expect(buildOrmOptions(config).driverOptions).to.deep.equal({
      connection: { statement_timeout: 2500, connectionTimeoutMillis: 5000 },
    });
  });

  it('sends no statement_timeout through a transaction pooler, which refuses unknown startup parameters', () => {
    const config = loadConfig({ DATABASE_URL: url, DATABASE_POOLER: 'transaction', DB_STATEMENT_TIMEOUT_MS: '2500' });
    expect(connectionTimeouts(config)).to.deep.equal({ connectionTimeoutMillis: 5000 });
  });
});
