import { expect } from 'chai';
import { OAuthRefusal } from '../../src/domain/errors';
import { parseForm } from '../../src/http/form-body';
import { accountSubject, rateLimitHeaders } from '../../src/http/rate-limits';
import { routePath } from '../../src/http/route-path';
import {
  clientOf,
  parseRevocationRequest,
  parseScope,
  parseTokenRequest,
  readParameters,
} from '../../src/modules/oauth/token-request';

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

describe('OAuth request refusals, each with its RFC 6749 code and what a developer needs to fix it', () => {
  const none = new Map<string, string>();
  const grant = (entries: [string, string][]) => () => parseTokenRequest(new Map(entries), null);
  const cases: [string, () => unknown, string, string][] = [
    [
      'a repeated parameter',
      () => readParameters({ scope: ['a', 'b'] }),
      'invalid_request',
      'parameter scope is repeated',
    ],
    ['a number', () => readParameters({ username: 42 }), 'invalid_request', 'parameter username must be a string'],
    [
      'a parameter over 1024 characters',
      () => readParameters({ password: 'x'.repeat(1025) }),
      'invalid_request',
      'parameter password is longer than 1024 characters',
    ],
    [
      'a client_secret',
      () => clientOf(new Map([['client_secret', 's']]), undefined),
      'invalid_client',
      'client secrets are not supported: clients here are public',
    ],
    [
      'Basic with a secret',
      () => clientOf(none, basic('ios:secret')),
      'invalid_client',
      'client secrets are not supported: clients here are public',
    ],
    [
      'Basic with an empty id',
      () => clientOf(none, basic(':')),
      'invalid_client',
      'client secrets are not supported: clients here are public',
    ],
    [
      'Basic with an id that is not form-encoded text',
      () => clientOf(none, basic('%E0%A4%A:')),
      'invalid_client',
      'client secrets are not supported: clients here are public',
    ],
    [
      'malformed Basic',
      () => clientOf(none, 'Basic !!!'),
      'invalid_client',
      'the HTTP Basic credentials are malformed',
    ],
    [
      'Basic followed by more than the credentials',
      () => clientOf(none, `${basic('ios:')} extra`),
      'invalid_client',
      'the HTTP Basic credentials are malformed',
    ],
    [
      'a Basic id other than client_id',
      () => clientOf(new Map([['client_id', 'android']]), basic('ios:')),
      'invalid_request',
      'two different client ids were sent',
    ],
    ['no grant_type', grant([]), 'invalid_request', 'grant_type is required'],
    [
      'another grant',
      grant([['grant_type', 'client_credentials']]),
      'unsupported_grant_type',
      'grant_type must be password or refresh_token',
    ],
    [
      'a password grant without username',
      grant([['grant_type', 'password']]),
      'invalid_request',
      'username is required',
    ],
    [
      'a password grant without password',
      grant([
        ['grant_type', 'password'],
        ['username', 'alice'],
      ]),
      'invalid_request',
      'password is required',
    ],
    [
      'a refresh grant without its token',
      grant([['grant_type', 'refresh_token']]),
      'invalid_request',
      'refresh_token is required',
    ],
    ['a revocation without a token', () => parseRevocationRequest(none, null), 'invalid_request', 'token is required'],
    ['a scope with a quote', () => parseScope('conduit "x"'), 'invalid_request', 'scope is malformed'],
    ['an unknown scope', () => parseScope('write'), 'invalid_scope', 'unknown scope; supported: conduit'],
  ];
  for (const [what, run, code, description] of cases) {
    it(`${what}: ${code}, "${description}"`, () => {
      const refused = refusal(run);
      expect([refused.code, refused.message]).to.deep.equal([code, description]);
    });
  }

  it('accepts a parameter of exactly 1024 characters, and reads nothing from a body that is not an object', () => {
    expect(readParameters({ password: 'x'.repeat(1024) }).get('password')).to.have.length(1024);
    for (const body of [null, 'grant_type=password', 42, ['grant_type']]) {
      expect(readParameters(body).size, JSON.stringify(body)).to.equal(0);
    }
  });

  it('reads Basic in any case, with tabs or several spaces, and an id without a colon', () => {
    expect(clientOf(none, `basic\t${Buffer.from('ios:').toString('base64')}`)).to.equal('ios');
    expect(clientOf(none, `BASIC   ${Buffer.from('ios:').toString('base64')}  `)).to.equal('ios');
    expect(clientOf(none, basic('ios'))).to.equal('ios');
    expect(clientOf(none, basic('a+b:'))).to.equal('a b');
    expect(clientOf(new Map([['client_id', 'ios']]), basic('ios:'))).to.equal('ios');
    expect(clientOf(none, 'XBasic abc')).to.equal(null);
  });

  it('keeps the revocation hint and client', () => {
    expect(
      parseRevocationRequest(
        new Map([
          ['token', 't'],
          ['token_type_hint', 'refresh_token'],
        ]),
        'ios',
      ),
    ).to.deep.equal({
      token: 't',
      tokenTypeHint: 'refresh_token',
      clientId: 'ios',
    });
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
