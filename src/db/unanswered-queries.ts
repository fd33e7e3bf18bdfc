import type { MikroORM } from '@mikro-orm/postgresql';
import { replicaConnectionsOf } from './replica-reads';

/**
 * The client-side backstop for a database that cannot answer at all (a frozen server or
 * network), where PostgreSQL's own statement_timeout never gets to fire: a query still unanswered
 * `timeoutMs` after it was sent has its connection closed. The query then fails at once ("Connection
 * terminated", a 503 like any lost connection), a transaction it was part of can never commit
 * later behind the client's back (PostgreSQL rolls back what a closed connection left open), and
 * knex replaces the connection.
 *
 * One sweep every `timeoutMs / 4` (at most 250 ms) over the queries in flight, rather than a timer
 * per query: node-postgres's own `query_timeout` (a timer and a wrapped callback per query) cost
 * about a quarter of the API's throughput on the list endpoint (issue 7's closing note).
 *
 * knex runs a transaction's queries on a client made from the dialect's prototype, not from the
 * pool's client, so the watch sits on the prototype and finds its ORM by the knex config object
 * that every client of one knex instance shares.
 */
interface PgConnection {
  connection?: { stream?: { destroy(): void } };
}

interface KnexClient {
  config: object;
  _query(connection: PgConnection, query: unknown): Promise<unknown>;
}

const inFlightByConfig = new WeakMap<object, Map<PgConnection, number>>();
const WATCHING = Symbol('koa-conduit watches unanswered queries');

function watchPrototype(prototype: KnexClient & { [WATCHING]?: boolean }): void {
  if (prototype[WATCHING]) return;
  prototype[WATCHING] = true;
  const runQuery = prototype._query;
  prototype._query = function queryWatched(this: KnexClient, connection, query) {
    const sentAt = inFlightByConfig.get(this.config);
    if (!sentAt) return runQuery.call(this, connection, query);
    sentAt.set(connection, Date.now());
    const answered = () => sentAt.delete(connection);
    const result = runQuery.call(this, connection, query);
    result.then(answered, answered);
    return result;
  };
}

export function watchUnansweredQueries(orm: MikroORM, timeoutMs: number): () => void {
  // The primary and every read replica: one frozen replica must not hold its reads forever.
  const clients = [orm.em.getConnection(), ...replicaConnectionsOf(orm)].map(
    (connection) => connection.getKnex().client as unknown as KnexClient,
  );
  const sentAt = new Map<PgConnection, number>();
  for (const client of clients) {
    watchPrototype(Object.getPrototypeOf(client));
    inFlightByConfig.set(client.config, sentAt);
  }

  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const [connection, at] of sentAt) {
        if (now - at <= timeoutMs) continue;
        sentAt.delete(connection);
        connection.connection?.stream?.destroy();
      }
    },
    Math.min(250, Math.max(10, Math.floor(timeoutMs / 4))),
  );
  sweep.unref();
  return () => {
    clearInterval(sweep);
    for (const client of clients) inFlightByConfig.delete(client.config);
  };
}
