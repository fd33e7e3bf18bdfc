import { expect } from 'chai';
import { recordFigures } from './support/figures';
import { registerUser } from './support/http-client';
import { countBy, runLoad } from './support/load';
import { sleep } from './support/server-process';
import { scratchDatabase, startProxy, startServerBehind } from './support/suite';

const GRACE_MS = 5000;

/**
 * Issue 7, item 10: SIGTERM while keep-alive clients keep sending. The server must stop
 * accepting, answer what reaches it on open connections with `Connection: close`, exit 0 once
 * drained (within the grace period), reset no connection and commit no write it did not answer.
 */
describe('SIGTERM under keep-alive load', () => {
  it('drains: exit code 0, no connection reset, no write committed without a response', async () => {
    const proxy = await startProxy();
    const { server, port } = await startServerBehind(proxy, { SHUTDOWN_GRACE_MS: String(GRACE_MS) });
    const token = await registerUser(port, `shutdown${process.pid}`);

    let exited = false;
    void server.exited.then(() => {
      exited = true;
    });
    const started = performance.now();
    let signalAt = Number.POSITIVE_INFINITY;
    const load = runLoad({
      port,
      clients: 20,
      stopOnError: true,
      running: () => !exited && performance.now() - started < 20_000,
      next: (client, n) => {
        if (n % 2 === 0) return { path: '/api/articles?limit=3', token };
        const title = `shutdown ${client} ${n} ${process.pid}`;
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
    server.kill('SIGTERM');
    signalAt = performance.now() - started;
    const exit = await server.exited;
    const exitMs = performance.now() - started - signalAt;
    const outcomes = await load;

    const afterSignal = outcomes.filter((o) => o.at + o.ms >= signalAt);
    const answeredAfterSignal = afterSignal.filter((o) => o.status !== undefined);
    const resets = outcomes.filter((o) => o.error && o.error !== 'ECONNREFUSED');
    const unansweredPosts = outcomes.filter((o) => o.method === 'POST' && o.status === undefined).map((o) => o.tag!);
    const committedWithoutResponse = await scratchDatabase().query<{ title: string }>(
      'select title from articles where title = any($1)',
      [unansweredPosts],
    );

    recordFigures('SIGTERM: 20 keep-alive clients (GET + POST articles), signal after 1.5 s', {
      exitCode: exit.code,
      exitSignal: exit.signal,
      signalToExitMs: Math.round(exitMs),
      requests: outcomes.length,
      byOutcome: countBy(outcomes),
      answeredAfterSignal: answeredAfterSignal.length,
      answeredAfterSignalWithConnectionClose: answeredAfterSignal.filter((o) => o.connectionClose).length,
      resets: resets.length,
      postsWithoutResponse: unansweredPosts.length,
      committedWithoutResponse: committedWithoutResponse.length,
    });

    expect(exit.code, 'exit code').to.equal(0);
    expect(exitMs, 'time from SIGTERM to exit').to.be.below(GRACE_MS + 1000);
    expect(
      resets.map((o) => o.error),
      'connections reset',
    ).to.deep.equal([]);
    expect(committedWithoutResponse.length, 'writes committed without a response').to.equal(0);
    expect(countBy(outcomes)['500'] ?? 0).to.equal(0);
    await proxy.stop();
  });
});
