import { expect } from 'chai';
import { recordFigures } from './support/figures';
import { registerUser } from './support/http-client';
import { countBy, runLoad } from './support/load';
import { sleep, unhandledErrors } from './support/server-process';
import { scratchDatabase, startProxy, startServerBehind } from './support/suite';

/**
 * Issue 7, item 5: PostgreSQL stops under load. Every request that needs it must get 503 with
 * Retry-After (never 500), the server must recover on its own, and every write it acknowledged
 * with 201 must be in the database.
 */
describe('database outage under load', () => {
  it('answers 503 with Retry-After while the database is down, recovers, and loses no acknowledged write', async () => {
    const proxy = await startProxy();
    const { server, port } = await startServerBehind(proxy, {
      DB_POOL_MAX: '5',
      DB_ACQUIRE_TIMEOUT_MS: '2000',
      DB_STATEMENT_TIMEOUT_MS: '2000',
    });
    const token = await registerUser(port, `outage${process.pid}`);

    let running = true;
    let cutAt = 0;
    let terminated = 0;
    let restoredAt = 0;
    const loadStarted = performance.now();
    const load = runLoad({
      port,
      clients: 10,
      running: () => running,
      next: (client, n) => {
        const title = `outage ${client} ${n} ${process.pid}`;
        return {
          method: 'POST',
          path: '/api/articles',
          token,
          body: { article: { title, description: 'd', body: 'b' } },
          tag: title,
        };
      },
    });
    await sleep(1500);
    // What `pg_ctl stop -m fast` does to every session first: FATAL 57P01 (admin shutdown). Then
    // the server is gone: connections reset, new ones refused.
    terminated = await scratchDatabase().terminateSessions();
    await proxy.cut();
    cutAt = performance.now() - loadStarted;
    await sleep(3000);
    await proxy.restore();
    restoredAt = performance.now() - loadStarted;
    await sleep(4000);
    running = false;
    const outcomes = await load;

    const during = outcomes.filter((o) => o.at >= cutAt && o.at + o.ms <= restoredAt);
    const failures = outcomes.filter((o) => o.status !== 201);
    const firstCreatedAfterRestore = outcomes
      .filter((o) => o.status === 201 && o.at >= restoredAt)
      .map((o) => o.at)
      .sort((a, b) => a - b)[0];
    const acknowledged = outcomes
      .filter((o) => o.status === 201)
      .map((o) => JSON.parse(o.body!).article.slug as string);
    const stored = await scratchDatabase().query<{ slug: string }>('select slug from articles where slug = any($1)', [
      acknowledged,
    ]);
    const errorLines = server.logEntries().filter((entry) => Number(entry.level) >= 50);

    recordFigures(
      'outage: POST /api/articles, 10 keep-alive clients, 1.5 s up, sessions terminated (57P01) + 3 s cut, 4 s restored',
      {
        sessionsTerminated57P01: terminated,
        requests: outcomes.length,
        byStatus: countBy(outcomes),
        duringOutage: countBy(during),
        non201WithoutRetryAfter: failures.filter((o) => o.status === 503 && !o.retryAfter).length,
        acknowledged: acknowledged.length,
        acknowledgedFoundInDatabase: stored.length,
        recoveryMsAfterRestore:
          firstCreatedAfterRestore === undefined ? null : Math.round(firstCreatedAfterRestore - restoredAt),
        errorLogLines: errorLines.length,
        stderrLines: server.stderr.filter((line) => line.trim()).length,
        unhandledErrors: unhandledErrors(server),
      },
    );

    expect(countBy(outcomes)['500'] ?? 0, 'requests answered 500').to.equal(0);
    expect(during.length, 'requests during the outage').to.be.greaterThan(0);
    for (const outcome of failures) {
      expect(outcome.status, `a failed request: ${outcome.error ?? outcome.body}`).to.equal(503);
      expect(outcome.retryAfter, '503 without Retry-After').to.match(/^\d+$/);
      expect(outcome.body).to.match(/^\{"errors":\{"body":\["[^"]+"\]\}\}$/);
    }
    expect(firstCreatedAfterRestore, 'no 201 after the database came back').to.not.equal(undefined);
    expect(stored.length, 'acknowledged articles missing from the database').to.equal(acknowledged.length);
    // One line when the outage starts and one when it ends, not one per failed request.
    expect(errorLines.length, 'error log lines for one outage').to.be.at.most(3);
    server.kill('SIGTERM');
    await server.exited;
    await proxy.stop();
  });
});
