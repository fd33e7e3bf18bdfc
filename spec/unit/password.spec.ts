import { expect } from 'chai';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from '../../src/modules/users/password';

describe('password hashing', () => {
  it('hashes with argon2id and a random salt', async () => {
    const [first, second] = await Promise.all([hashPassword('s3cret pass'), hashPassword('s3cret pass')]);
    expect(first).to.match(/^\$argon2id\$v=19\$/);
    expect(first.split('$')[3].split(',').sort()).to.deep.equal(['m=19456', 'p=1', 't=2']);
    expect(first).not.to.equal(second);
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('s3cret pass');
    expect(await verifyPassword(hash, 's3cret pass')).to.equal(true);
    expect(await verifyPassword(hash, 'S3cret pass')).to.equal(false);
  });

  it('answers false, never throws, for a malformed hash', async () => {
    expect(await verifyPassword('not a hash', 'whatever')).to.equal(false);
  });

  it('verifies against a decoy for unknown accounts, always false', async () => {
    expect(await verifyAgainstDecoy('decoy password that never matches')).to.equal(false);
  });
});
