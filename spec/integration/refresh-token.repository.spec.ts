import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { RefreshToken } from '../../src/modules/oauth/refresh-token.entity';
import type { RefreshTokenRepository, RotationTerms } from '../../src/modules/oauth/refresh-token.repository';
import { createUser } from '../support/factories';
import { em } from '../support/test-env';

const HOUR = 60 * 60 * 1000;

function repository(): RefreshTokenRepository {
  return em().getRepository(RefreshToken) as unknown as RefreshTokenRepository;
}

/** A family with one token, issued at `issuedAt` and expiring an hour later. */
async function family(options: { clientId?: string | null; scope?: string | null; issuedAt?: Date } = {}) {
  const { user } = await createUser();
  const issuedAt = options.issuedAt ?? new Date();
  const tokenHash = randomUUID();
  await repository().startFamily(
    { id: randomUUID(), userId: user.id, clientId: options.clientId ?? null, scope: options.scope ?? null },
    { id: randomUUID(), tokenHash, expiresAt: new Date(issuedAt.getTime() + HOUR) },
    issuedAt,
  );
  return { user, tokenHash };
}

/**
 * The repository knows nothing of which scopes exist (the service allows one, `conduit`): its
 * checks are exercised here with scopes of several words, which the API cannot yet issue.
 */
describe('RefreshTokenRepository', () => {
  describe('inspectFailure: why a live token was not rotated', () => {
    const cases: [string, RotationTerms, string][] = [
      ['another client', { clientId: 'android', scope: null }, 'other-client'],
      ['a scope the family lacks, naming no client', { clientId: null, scope: 'read admin' }, 'wider-scope'],
      ['a scope the family lacks, by its own client', { clientId: 'ios', scope: 'read admin' }, 'wider-scope'],
      ['terms it meets (rotate would have taken it)', { clientId: 'ios', scope: 'write read' }, 'unknown'],
      ['a narrower scope it meets', { clientId: null, scope: 'read' }, 'unknown'],
    ];
    for (const [what, terms, failure] of cases) {
      it(`${what}: ${failure}`, async () => {
        const { tokenHash } = await family({ clientId: 'ios', scope: 'read write' });
        expect(await repository().inspectFailure(tokenHash, terms, new Date())).to.equal(failure);
      });
    }

    it('a family granted no scope: any scope is wider', async () => {
      const { tokenHash } = await family({ clientId: 'ios' });
      const failure = await repository().inspectFailure(tokenHash, { clientId: 'ios', scope: 'read' }, new Date());
      expect(failure).to.equal('wider-scope');
    });
  });

  it('revokeFamilyOf says whether it knew the token', async () => {
    const { tokenHash } = await family();
    expect(await repository().revokeFamilyOf(tokenHash, new Date())).to.equal(true);
    expect(await repository().revokeFamilyOf(randomUUID(), new Date())).to.equal(false);
  });

  it('purgeExpired deletes expired tokens and the families they leave empty, and counts both', async () => {
    const old = await family({ issuedAt: new Date(Date.now() - 10 * HOUR) });
    const live = await family();
    const later = new Date(Date.now() + HOUR / 2);
    const first = await repository().purgeExpired(later);
    expect(first.tokens).to.be.at.least(1);
    expect(first.families).to.be.at.least(1);
    const left = await em().find(RefreshToken, { tokenHash: { $in: [old.tokenHash, live.tokenHash] } });
    expect(left.map((token) => token.tokenHash)).to.deep.equal([live.tokenHash]);
    expect(await repository().purgeExpired(later)).to.deep.equal({ tokens: 0, families: 0 });
  });
});
