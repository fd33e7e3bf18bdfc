import { expect } from 'chai';
import type { IdempotencyRepository, IdempotencyScope } from '../../src/modules/idempotency/idempotency.repository';
import { IdempotencyService } from '../../src/modules/idempotency/idempotency.service';
import { IdempotencyRecord } from '../../src/modules/idempotency/idempotency-record.entity';
import { createUser } from '../support/factories';
import { em } from '../support/test-env';

const TTL = 3600;
const LEASE = 60;

/**
 * The real repository on the real database, with another request ("the other one") slipped in
 * around each of this caller's claims: before it, the other one claims the key (if it is free);
 * after it fails, the other one gives the key back. That is the narrow race `begin` handles: the
 * key was held when this caller tried to claim it, and gone when it looked at the outcome.
 */
function racedByAnotherRequest(records: IdempotencyRepository, scope: IdempotencyScope) {
  const claims: boolean[] = [];
  const raced = Object.create(records) as IdempotencyRepository;
  raced.claim = async (...args) => {
    await records.claim(scope, 'the other one', TTL, LEASE);
    const claimed = await records.claim(...args);
    claims.push(claimed);
    if (!claimed) await records.release(scope);
    return claimed;
  };
  return { raced, claims };
}

/** The same, but the other request gives the key back only once, and never claims it again. */
function releasedOnceByAnotherRequest(records: IdempotencyRepository, scope: IdempotencyScope) {
  const claims: boolean[] = [];
  let released = false;
  const raced = Object.create(records) as IdempotencyRepository;
  raced.claim = async (...args) => {
    const claimed = await records.claim(...args);
    claims.push(claimed);
    if (!claimed && !released) {
      released = true;
      await records.release(scope);
    }
    return claimed;
  };
  return { raced, claims };
}

describe('IdempotencyService.begin, when the key is released between the claim and the read', () => {
  async function setup() {
    const { user } = await createUser();
    const scope: IdempotencyScope = { key: `race-${Date.now()}-${Math.random()}`, ownerId: user.id, route: 'POST /x' };
    const records = em().getRepository(IdempotencyRecord) as IdempotencyRepository;
    return { scope, records };
  }

  it('claims the key once more, and runs the request when it gets it', async () => {
    const { scope, records } = await setup();
    await records.claim(scope, 'the other one', TTL, LEASE);
    const { raced, claims } = releasedOnceByAnotherRequest(records, scope);
    const decision = await new IdempotencyService(raced).begin(scope, 'mine');
    expect(decision).to.deep.equal({ kind: 'run' });
    expect(claims).to.deep.equal([false, true]);
  });

  it('tries only once more: a key that keeps changing hands is "in progress"', async () => {
    const { scope, records } = await setup();
    const { raced, claims } = racedByAnotherRequest(records, scope);
    const decision = await new IdempotencyService(raced).begin(scope, 'mine');
    expect(decision).to.deep.equal({ kind: 'in-progress' });
    expect(claims).to.deep.equal([false, false]);
  });
});
