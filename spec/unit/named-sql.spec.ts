import { expect } from 'chai';
import { NamedSql } from '../../src/db/named-sql';

describe('NamedSql', () => {
  it('turns :name placeholders into positional ones and binds values by name, in text order', () => {
    const statement = NamedSql.compile('select * from t where a = :first and b = :second');
    expect(statement.text).to.equal('select * from t where a = ? and b = ?');
    expect(statement.bind({ second: 2, first: 1 })).to.deep.equal([1, 2]);
  });

  it('binds a name used twice at both places', () => {
    const statement = NamedSql.compile('select :viewerId as v where x = :viewerId or y = :other');
    expect(statement.text).to.equal('select ? as v where x = ? or y = ?');
    expect(statement.bind({ viewerId: 7, other: 'o' })).to.deep.equal([7, 7, 'o']);
  });

  it('leaves PostgreSQL casts (::int) and names inside quotes alone', () => {
    const statement = NamedSql.compile(
      `select count(*)::int as total, ':notAName' as s, "col:umn" from t where a = :a::text and c = 'it''s :x'`,
    );
    expect(statement.text).to.equal(
      `select count(*)::int as total, ':notAName' as s, "col:umn" from t where a = ?::text and c = 'it''s :x'`,
    );
    expect(statement.names).to.deep.equal(['a']);
  });

  it('binds null, but refuses a missing value instead of sending NULL by accident', () => {
    const statement = NamedSql.compile('select 1 where a = :a and b = :b');
    expect(statement.bind({ a: null, b: 1 })).to.deep.equal([null, 1]);
    expect(() => statement.bind({ a: 1 })).to.throw(/no value for :b/);
  });

  it('refuses text that already has positional placeholders, which would shift every binding', () => {
    expect(() => NamedSql.compile('select ? where a = :a')).to.throw(/positional/);
  });

  it('caches one compiled statement per key, built once', () => {
    let builds = 0;
    const cache = NamedSql.cache((key: string) => {
      builds += 1;
      return `select :${key}`;
    });
    const first = cache('a');
    expect(cache('a')).to.equal(first);
    expect(cache('b').text).to.equal('select ?');
    expect(builds).to.equal(2);
  });

  it('builds every cached statement again after forgetCompiled (for mutation testing)', () => {
    let builds = 0;
    const cache = NamedSql.cache((key: string) => {
      builds += 1;
      return `select :${key}`;
    });
    cache('a');
    NamedSql.forgetCompiled();
    cache('a');
    expect(builds).to.equal(2);
  });
});
