import type { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { REPLICA_RETRY_AFTER_MS, ReplicaReads } from '../../src/db/replica-reads';
import type { Logger } from '../../src/logger';

/** A replica connection that answers `select 1`, or fails as a refused connection. */
function fakeReplica(name: string) {
  return {
    name,
    down: false,
    async execute<T>(): Promise<T> {
      if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      return [] as T;
    },
    getKnex: () => ({ client: { config: { connection: { host: name, port: 5434, database: 'conduit' } } } }),
  };
}

function setUp() {
  const replicas = [fakeReplica('a'), fakeReplica('b')];
  const orm = { em: { getDriver: () => ({ replicas }) } } as unknown as MikroORM;
  const warnings: unknown[] = [];
  const logger = { warn: (...args: unknown[]) => warnings.push(args), info: () => {} } as unknown as Logger;
  let now = 1_000_000;
  const reads = new ReplicaReads(orm, logger, () => now);
  return { replicas, reads, warnings, advance: (ms: number) => (now += ms) };
}

describe('ReplicaReads', () => {
  it('skips a replica that failed for REPLICA_RETRY_AFTER_MS, then tries it again', () => {
    const { replicas, reads, advance } = setUp();
    reads.markDown(replicas[0], new Error('refused'));
    for (let i = 0; i < 20; i += 1) expect(reads.pick()).to.equal(replicas[1]);
    advance(REPLICA_RETRY_AFTER_MS - 1);
    expect(reads.pick()).to.equal(replicas[1]);
    advance(1);
    const picked = new Set(Array.from({ length: 50 }, () => reads.pick()));
    expect(picked.has(replicas[0]) && picked.has(replicas[1])).to.equal(true);
  });

  it('picks none while every replica is down (reads go to the primary)', () => {
    const { replicas, reads } = setUp();
    for (const replica of replicas) reads.markDown(replica, new Error('refused'));
    expect(reads.pick()).to.equal(undefined);
  });

  it('logs one warning per outage of a replica, not one per failed read', () => {
    const { replicas, reads, warnings, advance } = setUp();
    reads.markDown(replicas[0], new Error('refused'));
    reads.markDown(replicas[0], new Error('refused'));
    expect(warnings).to.have.length(1);
    advance(REPLICA_RETRY_AFTER_MS);
    reads.markDown(replicas[0], new Error('refused again'));
    expect(warnings).to.have.length(2);
  });

  it('ping counts the replicas that answer and marks the others down', async () => {
    const { replicas, reads } = setUp();
    replicas[1].down = true;
    expect(await reads.ping(100)).to.deep.equal({ configured: 2, up: 1 });
    expect(reads.pick()).to.equal(replicas[0]);
    replicas[1].down = false;
    expect(await reads.ping(100)).to.deep.equal({ configured: 2, up: 2 });
  });
});
