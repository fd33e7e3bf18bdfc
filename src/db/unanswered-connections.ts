/**
 * A pg connection whose query got no answer within `query_timeout` is closed at once.
 *
 * node-postgres rejects such a query but keeps the connection, with the unanswered query still
 * at the head of its queue. knex then returns it to the pool, and whatever uses it next (above
 * all the ROLLBACK that follows a failed write) waits a full query timeout again behind the
 * stale query: a write against a frozen database took acquire + 2 × query timeout (5.0 s with
 * 2 s settings in the reliability suite). PostgreSQL's own statement_timeout fires 0.5 s before
 * query_timeout, so a query still unanswered at that point means the server or the network is
 * gone, and the connection is worth nothing: closing it fails the queued queries at once, and
 * knex replaces it (it marks connections disposed on 'end').
 */

interface PgConnection {
  query: (...args: unknown[]) => unknown;
  connection?: { stream?: { destroy(): void } };
}

type PoolCallback = (error: Error | null, connection: unknown) => void;

const READ_TIMEOUT = /Query read timeout/;

/** knex `pool.afterCreate` hook. */
export function closeConnectionsThatStopAnswering(connection: PgConnection, done: PoolCallback): void {
  const query = connection.query;
  connection.query = function queryClosingOnReadTimeout(this: PgConnection, ...args: unknown[]) {
    const last = args.length - 1;
    const callback = args[last];
    // knex always passes a callback; promise-style calls (none here) are left as they are.
    if (typeof callback === 'function') {
      args[last] = (error: Error | null, result: unknown) => {
        if (error && READ_TIMEOUT.test(error.message)) connection.connection?.stream?.destroy();
        callback(error, result);
      };
    }
    return query.apply(this, args);
  };
  done(null, connection);
}
