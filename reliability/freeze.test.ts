import { expect } from 'chai';
import { percentile, recordFigures } from './support/figures';
import { registerUser } from './support/http-client';
import { countBy, runLoad } from './support/load';
import { sleep, unhandledErrors } from './support/server-process';
import { startProxy, startServerBehind } from './support/suite';

const ACQUIRE_TIMEOUT_MS = 2000;
const STATEMENT_TIMEOUT_MS = 2000;
/**
 * The worst case is a connection acquired late (up to the acquire timeout) whose query then waits
 * the full client-side query timeout (statement timeout + 0.5 s); plus 1 s of slack.
 */
const BOUND_MS = ACQUIRE_TIMEOUT_MS + STATEMENT_TIMEOUT_MS + 500 + 1000;

/**
 * Issue 7, item 6: a database that stops answering (sockets open, no bytes) must not hang
 * requests: each gets 503 within the configured acquire/statement timeouts, and the server
 * recovers when the database answers again.
 */
describe('frozen database under load', () => {
  it('answers 503 within the configured bounds while frozen, then recovers', async () => {
    const proxy = await startProxy();
    const { server, port } = await startServerBehind(proxy, {
      DB_POOL_MAX: '5',
      DB_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS),
      DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
    });
    const token = await registerUser(port, `freeze${process.pid}`);

    let running = true;
    const started = performance.now();
    const load = runLoad({
      port,
      clients: 10,
      running: () => running,
      next: (client, n) =>
        n % 2 === 0
          ? { path: '/api/articles?limit=5', token, timeoutMs: 20_000 }
          : {
              method: 'POST',
              path: '/api/articles',
              token,
              timeoutMs: 20_000,
              body: { article: { title: `freeze ${client} ${n}`, description: 'd', body: 'b' } },
            },
    });
    await sleep(1000);
    proxy.freeze();
    const frozenAt = performance.now() - started;
    await sleep(6000);
    await proxy.restore();
    const restoredAt = performance.now() - started;
    await sleep(4000);
    running = false;
    const outcomes = await load;

    const touchedFreeze = outcomes.filter((o) => o.at + o.ms >= frozenAt && o.at <= restoredAt);
    const latencies = touchedFreeze.map((o) => o.ms);
    const okAfterRestore = outcomes.filter((o) => o.at >= restoredAt && (o.status === 200 || o.status === 201));
    const recoveryMs = okAfterRestore.length ? Math.min(...okAfterRestore.map((o) => o.at)) - restoredAt : null;

    recordFigures('freeze: GET + POST articles, 10 clients, 1 s up, 6 s frozen, 4 s restored', {
      bounds: { acquireTimeoutMs: ACQUIRE_TIMEOUT_MS, statementTimeoutMs: STATEMENT_TIMEOUT_MS, allowedMs: BOUND_MS },
      requests: outcomes.length,
      requestsBeforeFreeze: outcomes.filter((o) => o.at + o.ms < frozenAt).length,
      requestsAfterRestore: outcomes.filter((o) => o.at > restoredAt).length,
      byStatus: countBy(outcomes),
      duringFreeze: countBy(touchedFreeze),
      latencyDuringFreezeMs: {
        p50: Math.round(percentile(latencies, 50)),
        p99: Math.round(percentile(latencies, 99)),
        max: Math.round(Math.max(0, ...latencies)),
      },
      recoveryMsAfterRestore: recoveryMs === null ? null : Math.round(recoveryMs),
      unhandledErrors: unhandledErrors(server),
      stderrLines: server.stderr.filter((line) => line.trim()).length,
    });

    expect(countBy(outcomes)['500'] ?? 0, 'requests answered 500').to.equal(0);
    expect(touchedFreeze.filter((o) => o.status === 503).length, '503s during the freeze').to.be.greaterThan(0);
    for (const outcome of touchedFreeze) {
      expect(outcome.ms, `${outcome.method} took ${Math.round(outcome.ms)} ms`).to.be.below(BOUND_MS);
      if (outcome.status === 503) expect(outcome.retryAfter).to.match(/^\d+$/);
    }
    expect(recoveryMs, 'no success after the database answered again').to.not.equal(null);
    server.kill('SIGTERM');
    await server.exited;
    await proxy.stop();
  });
});
