import { expect } from 'chai';
import { FILTERED, scrubEvent, scrubString } from '../../src/observability/scrub';

describe('scrubbing error reports', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

  it('hides the password of a database URL and keeps the rest', () => {
    expect(scrubString('connect to postgres://app:s3cret@db.internal:5432/conduit failed')).to.equal(
      `connect to postgres://app:${FILTERED}@db.internal:5432/conduit failed`,
    );
  });

  it('hides password pairs and tokens, with or without their scheme', () => {
    expect(scrubString('host=db password=s3cret user=app')).to.equal(`host=db password=${FILTERED} user=app`);
    expect(scrubString(`Authorization: Token ${jwt}`)).to.equal(`Authorization: Token ${FILTERED}`);
    expect(scrubString(`bare ${jwt} here`)).to.equal(`bare ${FILTERED} here`);
  });

  it("replaces the values quoted in an SQL statement, not the statement's shape", () => {
    const message = `insert into "users" ("email", "password_hash") values ('a@b.co', '$argon2id$v=19$x'), ('it''s', 'y') - duplicate key`;
    expect(scrubString(message)).to.equal(
      `insert into "users" ("email", "password_hash") values ('?', '?'), ('?', '?') - duplicate key`,
    );
    // Prose with quotes is not SQL and stays as it is.
    expect(scrubString("the tag 'news' is unknown")).to.equal("the tag 'news' is unknown");
  });

  it('drops request bodies and cookies, and masks values under secret-sounding keys, at any depth', () => {
    const event = scrubEvent({
      message: 'failed for postgres://u:pw@h/db',
      request: {
        url: '/api/users',
        data: '{"user":{"password":"hunter2"}}',
        cookies: { session: 'abc' },
        headers: { Authorization: `Token ${jwt}`, Cookie: 'session=abc', 'content-type': 'application/json' },
      },
      extra: { nested: [{ password: 'hunter2', apiKey: 'k', name: 'kept' }] },
      tags: { request_id: 'r-1' },
    });
    expect(event).to.deep.equal({
      message: `failed for postgres://u:${FILTERED}@h/db`,
      request: {
        url: '/api/users',
        headers: { Authorization: FILTERED, Cookie: FILTERED, 'content-type': 'application/json' },
      },
      extra: { nested: [{ password: FILTERED, apiKey: FILTERED, name: 'kept' }] },
      tags: { request_id: 'r-1' },
    });
  });

  it('takes events without a request, or with a null one', () => {
    expect(scrubEvent({ message: 'm' })).to.deep.equal({ message: 'm' });
    expect(scrubEvent({ message: 'm', request: null })).to.deep.equal({ message: 'm', request: null });
  });

  it('shows an absent secret as absent: only values are masked', () => {
    expect(scrubEvent({ extra: { password: null, token: undefined, secret: '' } })).to.deep.equal({
      extra: { password: null, token: undefined, secret: FILTERED },
    });
  });

  it('walks a cyclic structure once', () => {
    const context: Record<string, unknown> = { token: 't', list: ['postgres://u:pw@h/db'] };
    context.self = context;
    (context.list as unknown[]).push(context);
    const event = scrubEvent({ extra: { context } });
    expect(event.extra.context.token).to.equal(FILTERED);
    expect(event.extra.context.self).to.equal(context);
    expect(context.list).to.deep.equal([`postgres://u:${FILTERED}@h/db`, context]);
  });
});
