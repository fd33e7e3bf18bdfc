import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import type { Action } from 'routing-controllers';
import { loadConfig } from '../../src/config/config';
import { authCheckers, tokenFromAuthorizationHeader } from '../../src/http/auth';
import { UnauthorizedError } from '../../src/http/errors';
import { isTokenClaims, TokenService } from '../../src/modules/users/token.service';
import type { User } from '../../src/modules/users/user.entity';

describe('TokenService', () => {
  const config = loadConfig({ JWT_SECRET: 'unit-secret', JWT_EXPIRES_IN: '1h' });
  const tokens = new TokenService(config);

  it('signs HS256 tokens with the user id as subject and an expiry', () => {
    const token = tokens.sign({ id: 42, username: 'alice' });
    const decoded = jwt.decode(token, { complete: true }) as jwt.Jwt;
    expect(decoded.header.alg).to.equal('HS256');
    const claims = decoded.payload as jwt.JwtPayload;
    expect(claims).to.include({ sub: '42', username: 'alice' });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).to.equal(3600);
  });

  it('signs tokens that a verifier with the same secret accepts, and one with another secret refuses', () => {
    const token = tokens.sign({ id: 7, username: 'bob' });
    expect(jwt.verify(token, 'unit-secret', { algorithms: ['HS256'] })).to.include({ sub: '7', username: 'bob' });
    expect(() => jwt.verify(token, 'other-secret', { algorithms: ['HS256'] })).to.throw(jwt.JsonWebTokenError);
  });

  describe('forCaller: the token to answer GET or PUT /api/user with', () => {
    const now = () => Math.floor(Date.now() / 1000);
    /** A token signed a minute ago that expires in ten: what an OAuth client would present. */
    function presented(username: string) {
      const raw = jwt.sign({ username, sub: '42', iat: now() - 60, exp: now() + 600 }, 'unit-secret');
      return { raw, username, expiresAt: now() + 600 };
    }

    it('is the presented token itself while it still names the user (not a fresh signature)', () => {
      const token = presented('alice');
      expect(tokens.forCaller({ id: 42, username: 'alice' }, token)).to.equal(token.raw);
    });

    it('is a new token for a renamed user that expires with the presented one, never later', () => {
      const token = presented('alice');
      const renewed = jwt.decode(tokens.forCaller({ id: 42, username: 'alicia' }, token)) as jwt.JwtPayload;
      expect(renewed).to.include({ sub: '42', username: 'alicia' });
      expect(renewed.exp).to.be.within(token.expiresAt - 1, token.expiresAt);
    });

    it('expires in a second at the least, even when the presented one just expired', () => {
      const token = { ...presented('alice'), expiresAt: now() - 5 };
      const renewed = jwt.decode(tokens.forCaller({ id: 42, username: 'alicia' }, token)) as jwt.JwtPayload;
      expect((renewed.exp ?? 0) - (renewed.iat ?? 0)).to.equal(1);
    });

    it('lasts JWT_EXPIRES_IN for a renamed user whose token had no expiry', () => {
      const { raw, username } = presented('alice');
      const renewed = jwt.decode(tokens.forCaller({ id: 42, username: 'alicia' }, { raw, username })) as jwt.JwtPayload;
      expect((renewed.exp ?? 0) - (renewed.iat ?? 0)).to.equal(3600);
    });
  });
});

describe('isTokenClaims', () => {
  it('accepts claims with a numeric subject only', () => {
    expect(isTokenClaims({ sub: '42', username: 'alice' })).to.equal(true);
    for (const claims of [null, 'x', {}, { sub: 42 }, { sub: 'admin' }, { sub: '' }, { sub: '1; drop table' }]) {
      expect(isTokenClaims(claims), JSON.stringify(claims)).to.equal(false);
    }
  });

  it('accepts only subjects that can be a PostgreSQL integer id: 1..2147483647, plain decimal digits', () => {
    for (const sub of ['1', '2147483647']) expect(isTokenClaims({ sub }), sub).to.equal(true);
    for (const sub of ['0', '00', '01', '2147483648', '9'.repeat(400), '-1', '+1', ' 1', '1 ', '1e3', '0x10', '١٢']) {
      expect(isTokenClaims({ sub }), sub).to.equal(false);
    }
  });
});

describe('tokenFromAuthorizationHeader', () => {
  const jwtLike = 'aaa.bbb.ccc';

  it('accepts the Token, Bearer and JWT schemes in any case', () => {
    for (const header of [
      `Token ${jwtLike}`,
      `Bearer ${jwtLike}`,
      `JWT ${jwtLike}`,
      `bearer ${jwtLike}`,
      `token  ${jwtLike} `,
    ]) {
      expect(tokenFromAuthorizationHeader(header), header).to.equal(jwtLike);
    }
  });

  it('returns null for other schemes, missing tokens and non-JWT values', () => {
    for (const header of [
      undefined,
      '',
      'Token',
      'Basic dXNlcjpwYXNz',
      `Digest ${jwtLike}`,
      'Token abc',
      `Token ${jwtLike} extra`,
      // The scheme is the whole first word.
      `XToken ${jwtLike}`,
      `NotBearer ${jwtLike}`,
    ]) {
      expect(tokenFromAuthorizationHeader(header), String(header)).to.equal(null);
    }
  });
});

describe('authCheckers', () => {
  const alice = { id: 7, username: 'alice' } as User;

  /** A request as routing-controllers hands it to the checkers: its Koa context. */
  function action(authorization: string, claims?: unknown): Action {
    const context = { get: (name: string) => (name === 'authorization' ? authorization : ''), state: { jwt: claims } };
    return { context, request: {}, response: {} } as unknown as Action;
  }

  function checkers() {
    const lookups: number[] = [];
    const found = authCheckers(async (id) => {
      lookups.push(id);
      return id === alice.id ? alice : null;
    });
    return { ...found, lookups };
  }

  it('authorizes a request whose token names an existing user, looking the user up once', async () => {
    const { authorizationChecker, currentUserChecker, lookups } = checkers();
    const request = action('Token a.b.c', { sub: '7' });
    expect(await authorizationChecker(request)).to.equal(true);
    expect(await currentUserChecker(request)).to.equal(alice);
    expect(lookups).to.deep.equal([7]);
  });

  it('refuses an anonymous request, which has no current user either', async () => {
    const { authorizationChecker, currentUserChecker, lookups } = checkers();
    expect(await authorizationChecker(action(''))).to.equal(false);
    expect(await currentUserChecker(action(''))).to.equal(undefined);
    expect(lookups).to.deep.equal([]);
  });

  it('refuses a token whose user is gone or whose claims are not ours, and says so to optional routes', async () => {
    for (const claims of [{ sub: '8' }, { sub: 'alice' }, undefined]) {
      const { authorizationChecker, currentUserChecker } = checkers();
      const request = action('Token a.b.c', claims);
      expect(await authorizationChecker(request), JSON.stringify(claims)).to.equal(false);
      let thrown: unknown;
      await currentUserChecker(request).catch((error: unknown) => {
        thrown = error;
      });
      expect(thrown, JSON.stringify(claims)).to.be.instanceOf(UnauthorizedError);
    }
  });
});
