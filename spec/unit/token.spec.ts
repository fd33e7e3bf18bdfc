import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { loadConfig } from '../../src/config/config';
import { tokenFromAuthorizationHeader } from '../../src/http/auth';
import { TokenService } from '../../src/modules/auth/token.service';

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

  it('verifies its own tokens', () => {
    expect(tokens.verify(tokens.sign({ id: 7, username: 'bob' }))).to.include({ sub: '7', username: 'bob' });
  });

  it('rejects tokens that are forged, expired, unsigned or without a numeric subject', () => {
    const forged = new TokenService(loadConfig({ JWT_SECRET: 'other' })).sign({ id: 1, username: 'x' });
    const expired = jwt.sign({ username: 'x', exp: 1 }, 'unit-secret', { subject: '1' });
    const unsigned = jwt.sign({ username: 'x' }, '', { subject: '1', algorithm: 'none' });
    const noSubject = jwt.sign({ username: 'x' }, 'unit-secret');
    const textSubject = jwt.sign({ username: 'x' }, 'unit-secret', { subject: 'admin' });
    for (const token of [forged, expired, unsigned, noSubject, textSubject, 'garbage', '']) {
      expect(tokens.verify(token), token).to.equal(undefined);
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
    ]) {
      expect(tokenFromAuthorizationHeader(header), String(header)).to.equal(null);
    }
  });
});
