import type { AnyEntity, EntityData, EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logger';
import { isDatabaseUnavailable } from './database-errors';

/** What a read replica connection must offer: MikroORM's SQL connection, narrowed. */
interface ReplicaConnection {
  execute<T>(sql: string, params: unknown[]): Promise<T>;
  getKnex(): { client: { config: { connection?: unknown } } };
}

/** How long a replica that failed is left alone before reads try it again. */
export const REPLICA_RETRY_AFTER_MS = 5000;

/** The request EntityManagers whose reads may go to a replica, and the replicas they would use. */
const readsOnReplica = new WeakMap<EntityManager, ReplicaReads>();

/**
 * The read replicas of one ORM (DATABASE_REPLICA_URLS, MikroORM's `replicas`) and which of them
 * answer. The ORM itself sends everything to the primary (`preferReadReplicas: false`); a read
 * reaches a replica only through `readRows`, and only in a request that `allowReplicaReads`
 * marked: a safe request (GET, HEAD). Anything else, and the current-user lookup, reads the
 * primary, so it sees what it just wrote.
 *
 * A replica that fails with "unavailable" (refused, reset, timed out, starting up) is skipped for
 * REPLICA_RETRY_AFTER_MS and the read is sent to the primary instead: a replica outage costs
 * the primary some load, never an error (README "Read replicas").
 */
export class ReplicaReads {
  private readonly downUntil = new Map<ReplicaConnection, number>();

  constructor(
    private readonly orm: MikroORM,
    private readonly logger?: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  private get replicas(): readonly ReplicaConnection[] {
    return replicaConnectionsOf(this.orm);
  }

  get configured(): number {
    return this.replicas.length;
  }

  /** Lets the reads of this request's EntityManager go to a replica. */
  allowFor(em: EntityManager): void {
    if (this.configured > 0) readsOnReplica.set(em, this);
  }

  /** A replica not known to be down, drawn at random to spread the reads; undefined: none. */
  pick(): ReplicaConnection | undefined {
    const now = this.now();
    const candidates = this.replicas.filter((replica) => (this.downUntil.get(replica) ?? 0) <= now);
    return candidates[Math.floor(Math.random() * candidates.length)];
  }

  markDown(replica: ReplicaConnection, error: unknown): void {
    const wasUp = (this.downUntil.get(replica) ?? 0) <= this.now();
    this.downUntil.set(replica, this.now() + REPLICA_RETRY_AFTER_MS);
    // One line per outage of a replica, not one per read: its reads go to the primary meanwhile.
    if (wasUp) {
      this.logger?.warn(
        { replica: nameOf(replica), err: error },
        `read replica unavailable; its reads go to the primary, retried every ${REPLICA_RETRY_AFTER_MS / 1000} s`,
      );
    }
  }

  markUp(replica: ReplicaConnection): void {
    if (this.downUntil.delete(replica)) this.logger?.info({ replica: nameOf(replica) }, 'read replica back');
  }

  /** How many replicas answer `select 1` within `timeoutMs` (for /health); marks each up or down. */
  async ping(timeoutMs: number): Promise<{ configured: number; up: number }> {
    const answers = await Promise.all(
      this.replicas.map(async (replica) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        });
        try {
          await Promise.race([replica.execute('select 1', []), timeout]);
          this.markUp(replica);
          return true;
        } catch (error) {
          this.markDown(replica, error);
          return false;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return { configured: answers.length, up: answers.filter(Boolean).length };
  }
}

/**
 * Runs a statement that only reads: on a replica when the request allows it (and no transaction
 * is open: a transaction lives on the primary), on the primary otherwise, or when the replica
 * turns out to be unavailable. Repositories send every read of a GET route through here.
 */
export async function readRows<T extends EntityData<AnyEntity>[]>(
  em: EntityManager,
  sql: string,
  params: unknown[],
): Promise<T> {
  // The request's fork (a repository holds the global EntityManager, which delegates to it), or
  // a transaction's fork, which is never marked: a transaction lives on the primary.
  const reads = readsOnReplica.get(em.getContext(false));
  const replica = reads?.pick();
  if (!replica || !reads) return em.execute<T>(sql, params);
  try {
    return await replica.execute<T>(sql, params);
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw em.getDriver().convertException(error as Error);
    reads.markDown(replica, error);
    return em.execute<T>(sql, params);
  }
}

/**
 * The ORM's replica connections. MikroORM keeps them to itself (`getConnection('read')` draws one
 * at random, which cannot skip one that is down), so they are read from its driver here.
 */
export function replicaConnectionsOf(orm: MikroORM): readonly ReplicaConnection[] {
  return (orm.em.getDriver() as unknown as { replicas?: ReplicaConnection[] }).replicas ?? [];
}

/** `host:port/database` of a replica, for logs (never its password). */
function nameOf(replica: ReplicaConnection): string {
  const connection = replica.getKnex().client.config.connection as
    | { host?: string; port?: number; database?: string }
    | undefined;
  return connection ? `${connection.host}:${connection.port}/${connection.database}` : 'replica';
}
