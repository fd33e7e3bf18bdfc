import { expect } from 'chai';
import { redactUrl } from '../../src/db/database';
import { databaseNameOf, withDatabaseName } from '../../src/db/server-databases';

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
});
