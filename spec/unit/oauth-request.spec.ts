import { expect } from 'chai';
import { OAuthRefusal } from '../../src/domain/errors';
import { parseForm } from '../../src/http/form-body';
import { accountSubject, rateLimitHeaders } from '../../src/http/rate-limits';
import { routePath } from '../../src/http/route-path';
import { clientOf, parseScope, parseTokenRequest, readParameters } from '../../src/modules/oauth/token-request';

function refusal(run: () => unknown): OAuthRefusal {
  try {
    run();
  } catch (error) {
    if (error instanceof OAuthRefusal) return error;
    throw error;
  }
  throw new Error('expected an OAuthRefusal');
}

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('OAuth request parameters', () => {
  it('reads a form into fields, a repeated field as every value, no nesting and no prototype keys', () => {
    const fields = parseForm('grant_type=password&scope=a&scope=b&a%5Bb%5D=c&__proto__=x&name=J%C3%BCrgen+X');
    expect(fields.grant_type).to.equal('password');
    expect(fields.scope).to.deep.equal(['a', 'b']);
    expect(fields['a[b]']).to.equal('c');
    expect(Object.getPrototypeOf(fields)).to.equal(null);
    expect(fields.name).to.equal('Jürgen X');
    expect(() => parseForm('a=%00')).to.throw(/NUL/);
  });

  it('takes empty values as absent and refuses repeated or non-string ones', () => {
    expect([...readParameters({ a: '', b: 'x', c: null }).keys()]).to.deep.equal(['b']);
    expect(refusal(() => readParameters({ a: ['1', '2'] })).code).to.equal('invalid_request');
    expect(refusal(() => readParameters({ a: { b: 1 } })).code).to.equal('invalid_request');
    expect(readParameters([1, 2]).size).to.equal(0);
  });

  it('names the client from client_id or Basic with an empty password; a secret is invalid_client', () => {
    const none = new Map<string, string>();
    expect(clientOf(new Map([['client_id', 'ios']]), undefined)).to.equal('ios');
    expect(clientOf(none, basic('ios:'))).to.equal('ios');
    expect(clientOf(none, basic('my%20app:'))).to.equal('my app');
    expect(clientOf(none, 'Token a.b.c')).to.equal(null);
    expect(refusal(() => clientOf(none, basic('ios:secret'))).code).to.equal('invalid_client');
    expect(refusal(() => clientOf(none, 'Basic !!!')).code).to.equal('invalid_client');
    expect(refusal(() => clientOf(new Map([['client_secret', 's']]), undefined)).code).to.equal('invalid_client');
    expect(refusal(() => clientOf(new Map([['client_id', 'android']]), basic('ios:'))).code).to.equal(
      'invalid_request',
    );
  });

  it('knows the grants, and the one scope', () => {
    const password = new Map([
      ['grant_type', 'password'],
      ['username', 'alice'],
      ['password', 'pw'],
      ['scope', 'conduit conduit'],
    ]);
    expect(parseTokenRequest(password, null)).to.deep.equal({
      grantType: 'password',
      username: 'alice',
      password: 'pw',
      scope: ['conduit'],
      clientId: null,
    });
    expect(refusal(() => parseTokenRequest(new Map([['grant_type', 'implicit']]), null)).code).to.equal(
      'unsupported_grant_type',
    );
    expect(parseScope('  ')).to.equal(undefined);
    expect(refusal(() => parseScope('conduit "x"')).code).to.equal('invalid_request');
    expect(refusal(() => parseScope('write')).code).to.equal('invalid_scope');
  });
});

describe('rate-limit plumbing', () => {
  it('formats RateLimit and RateLimit-Policy as draft-ietf-httpapi-ratelimit-headers-10 lists', () => {
    const headers = rateLimitHeaders([
      { limit: 'login-ip', quota: 100, windowSeconds: 900, remaining: 99, resetSeconds: 899, exceeded: false },
      { limit: 'login-account', quota: 10, windowSeconds: 900, remaining: 0, resetSeconds: 12, exceeded: true },
    ]);
    expect(headers).to.deep.equal({
      policy: '"login-ip";q=100;w=900, "login-account";q=10;w=900',
      state: '"login-ip";r=99;t=899, "login-account";r=0;t=12',
    });
  });

  it('names accounts by normalised e-mail or username key', () => {
    expect(accountSubject('Alice@Example.COM')).to.equal('email:alice@example.com');
    expect(accountSubject('ADMIN')).to.equal(accountSubject('admin'));
    expect(accountSubject('аdmin')).to.equal(accountSubject('admin')); // a Cyrillic а
  });

  it('compares routes the way the router matches them', () => {
    expect(routePath('/API/Users/Login//')).to.equal('/api/users/login');
    expect(routePath('/')).to.equal('/');
    expect(routePath('//')).to.equal('/');
  });
});
