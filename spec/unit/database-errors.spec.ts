import { expect } from 'chai';
import { fieldOfUniqueConstraint, isDatabaseUnavailable, summariseDatabaseError } from '../../src/db/database-errors';

/** An error as node-postgres, knex or MikroORM's converter would hand it over. */
function failure(fields: { name?: string; code?: string; message?: string; status?: number; cause?: unknown }) {
  return Object.assign(new Error(fields.message ?? ''), fields);
}

describe('database errors: "not now" (503) or "not this" (a bug, 500)', () => {
  describe('isDatabaseUnavailable', () => {
    it('is true for the pool giving up (KnexTimeoutError), whatever its message', () => {
      expect(isDatabaseUnavailable(failure({ name: 'KnexTimeoutError', message: 'anything' }))).to.equal(true);
    });

    it('is true for every SQLSTATE of class 08 (connection exception), and only for five-character codes', () => {
      for (const code of ['08000', '08003', '08006', '08001', '08P01']) {
        expect(isDatabaseUnavailable(failure({ code })), code).to.equal(true);
      }
      // Codes that merely contain or start with 08.
      for (const code of ['X08006', '080000', '0800', '42P08']) {
        expect(isDatabaseUnavailable(failure({ code })), code).to.equal(false);
      }
    });

    it('is false for what is wrong with the query, however it is worded', () => {
      expect(isDatabaseUnavailable(failure({ code: '42601', message: 'syntax error at or near "selec"' }))).to.equal(
        false,
      );
      expect(isDatabaseUnavailable(failure({ code: '23505', message: 'duplicate key value' }))).to.equal(false);
    });

    it("is false for a client's own aborted connection (http-errors carry a status)", () => {
      expect(
        isDatabaseUnavailable(failure({ code: 'ECONNABORTED', status: 400, message: 'request aborted' })),
      ).to.equal(false);
    });

    it('is false for things that are not errors', () => {
      for (const value of [undefined, null, 'ECONNREFUSED', 57014, true]) {
        expect(isDatabaseUnavailable(value), String(value)).to.equal(false);
      }
    });

    it('follows `cause` up to four errors deep, no further', () => {
      const refused = failure({ code: 'ECONNREFUSED' });
      const wrapped = (depth: number): unknown =>
        depth === 0 ? refused : failure({ message: `layer ${depth}`, cause: wrapped(depth - 1) });
      expect(isDatabaseUnavailable(wrapped(3)), 'the fourth error').to.equal(true);
      expect(isDatabaseUnavailable(wrapped(4)), 'the fifth').to.equal(false);
    });
  });

  describe('summariseDatabaseError (one secret-free line for logs)', () => {
    it('is the code when there is one', () => {
      expect(
        summariseDatabaseError(failure({ code: '57P03', message: 'the database system is starting up' })),
      ).to.equal('57P03');
    });

    it("is the first line of the message without knex's leading SQL", () => {
      const message = 'select * from "users" where "id" = $1 - Connection terminated unexpectedly\n    at Connection';
      expect(summariseDatabaseError(failure({ message }))).to.equal('Connection terminated unexpectedly');
    });

    it('is at most 200 characters', () => {
      expect(summariseDatabaseError(failure({ message: 'x'.repeat(500) }))).to.equal('x'.repeat(200));
    });

    it('describes a value that is not an error', () => {
      expect(summariseDatabaseError(undefined)).to.equal('undefined');
      expect(summariseDatabaseError('socket hang up')).to.equal('socket hang up');
    });
  });

  describe('fieldOfUniqueConstraint', () => {
    it('reads the field from the index name, with or without _lower / _key', () => {
      expect(fieldOfUniqueConstraint('users_email_lower_unique')).to.equal('email');
      expect(fieldOfUniqueConstraint('users_username_key_unique')).to.equal('username');
      expect(fieldOfUniqueConstraint('articles_slug_unique')).to.equal('slug');
    });

    it('is undefined for any other name, even one that contains such a name', () => {
      expect(fieldOfUniqueConstraint('users_pkey')).to.equal(undefined);
      expect(fieldOfUniqueConstraint('old_users_email_unique_2')).to.equal(undefined);
      expect(fieldOfUniqueConstraint('Users_email_unique')).to.equal(undefined);
    });
  });
});
