import { expect } from 'chai';
import { recordFigures } from './support/figures';
import { registerUser } from './support/http-client';
import { countBy, type Outcome, runLoad } from './support/load';
import { ServerProcess, sleep } from './support/server-process';
import { scratchDatabase } from './support/suite';

const GRACE_MS = 5000;

/** `npm start` with WEB_CONCURRENCY=2 on the scratch database; resolves once every worker serves. */
async function startCluster(env: Record<string, string> = {}): Promise<{ primary: ServerProcess; port: number }> {
  const primary = new ServerProcess({
    DATABASE_URL: scratchDatabase().url,
    WEB_CONCURRENCY: '2',
    SHUTDOWN_GRACE_MS: String(GRACE_MS),
    DB_POOL_MAX: '4',
    ...env,
  });
  const port = await primary.logged('all workers ready', 30_000);
  return { primary, port };
}

/** The pids of the workers serving now (the latest 'all workers ready' or 'rolling restart done' line). */
function workerPids(primary: ServerProcess): number[] {
  const lines = primary.logEntries().filter((e) => e.msg === 'all workers ready' || e.msg === 'rolling restart done');
  return [...((lines.at(-1)?.workers as number[] | undefined) ?? [])].sort();
}

/** Half reads, half article writes tagged by title, per keep-alive client. */
function mixedLoad(token: string, label: string) {
  return (client: number, n: number) => {
    if (n % 2 === 0) return { path: '/api/articles?limit=3', token };
    const title = `${label} ${client} ${n} ${process.pid}`;
    return {
      method: 'POST',
      path: '/api/articles',
      token,
      body: { article: { title, description: 'd', body: 'b' } },
      tag: title,
    };
  };
}

async function committedWithoutResponse(outcomes: Outcome[]): Promise<number> {
  const unanswered = outcomes.filter((o) => o.method === 'POST' && o.status === undefined).map((o) => o.tag!);
  const rows = await scratchDatabase().query<{ title: string }>('select title from articles where title = any($1)', [
    unanswered,
  ]);
  return rows.length;
}

/** Issue 14: many processes on one machine (node:cluster, src/cluster.ts). */
describe('WEB_CONCURRENCY=2: the cluster primary under load', () => {
  it('rolling restart (SIGHUP) under keep-alive load: every worker replaced, nothing dropped', async () => {
    const { primary, port } = await startCluster();
    const before = workerPids(primary);
    const token = await registerUser(port, `rolling${process.pid}`);

    let restarted = false;
    const started = performance.now();
    const load = runLoad({
      port,
      clients: 8,
      running: () => !restarted && performance.now() - started < 45_000,
      next: mixedLoad(token, 'rolling'),
    });
    await sleep(1000);
    primary.kill('SIGHUP');
    await primary.logged('rolling restart done', 40_000);
    // Load on the new workers for a moment, then stop.
    await sleep(1000);
    restarted = true;
    const outcomes = await load;
    const after = workerPids(primary);

    const failures = outcomes.filter((o) => o.error !== undefined || (o.status ?? 0) >= 500);
    const committed = await committedWithoutResponse(outcomes);
    recordFigures('rolling restart: 8 keep-alive clients (GET + POST articles), SIGHUP after 1 s, WEB_CONCURRENCY=2', {
      requests: outcomes.length,
      byOutcome: countBy(outcomes),
      workersBefore: before,
      workersAfter: after,
      restartMs: Math.round(performance.now() - started - 1000),
      committedWithoutResponse: committed,
    });

    expect(after).to.have.length(2);
    expect(
      after.filter((pid) => before.includes(pid)),
      'old workers still serving',
    ).to.deep.equal([]);
    expect(
      failures.map((o) => o.error ?? o.status),
      'dropped or failed requests',
    ).to.deep.equal([]);
    expect(committed, 'writes committed without a response').to.equal(0);

    primary.kill('SIGTERM');
    expect((await primary.exited).code).to.equal(0);
  });

  it('SIGTERM under keep-alive load: every worker drains, exit code 0, no connection reset', async () => {
    const { primary, port } = await startCluster();
    const token = await registerUser(port, `clusterterm${process.pid}`);
    let exited = false;
    void primary.exited.then(() => {
      exited = true;
    });
    const started = performance.now();
    const load = runLoad({
      port,
      clients: 20,
      stopOnError: true,
      running: () => !exited && performance.now() - started < 20_000,
      next: mixedLoad(token, 'clusterterm'),
    });
    await sleep(1500);
    primary.kill('SIGTERM');
    const signalAt = performance.now();
    const exit = await primary.exited;
    const exitMs = performance.now() - signalAt;
    const outcomes = await load;
    const resets = outcomes.filter((o) => o.error && o.error !== 'ECONNREFUSED');
    const committed = await committedWithoutResponse(outcomes);

    recordFigures('SIGTERM to the cluster primary: 20 keep-alive clients, WEB_CONCURRENCY=2', {
      exitCode: exit.code,
      signalToExitMs: Math.round(exitMs),
      requests: outcomes.length,
      byOutcome: countBy(outcomes),
      resets: resets.length,
      committedWithoutResponse: committed,
    });
    expect(exit.code, 'exit code').to.equal(0);
    expect(exitMs, 'time from SIGTERM to exit').to.be.below(GRACE_MS + 1000);
    expect(
      resets.map((o) => o.error),
      'connections reset',
    ).to.deep.equal([]);
    expect(committed, 'writes committed without a response').to.equal(0);
    expect(countBy(outcomes)['500'] ?? 0).to.equal(0);
  });

  it('gives up with exit code 1 when workers keep crashing', async () => {
    const { primary } = await startCluster();
    const killed = new Set<number>();
    const deadline = performance.now() + 40_000;
    // Kill every worker as soon as it says it listens, until the primary stops.
    while (!primary.logEntries().some((e) => e.msg === 'workers keep crashing: giving up')) {
      if (performance.now() > deadline) throw new Error(`the primary kept respawning:\n${primary.tail()}`);
      for (const entry of primary.logEntries()) {
        const pid = entry.pid as number | undefined;
        if (entry.worker !== undefined && pid && !killed.has(pid)) {
          killed.add(pid);
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      }
      await sleep(50);
    }
    const exit = await primary.exited;
    recordFigures('crash loop: every worker killed as it starts, WEB_CONCURRENCY=2', {
      workersKilled: killed.size,
      exitCode: exit.code,
    });
    expect(exit.code).to.equal(1);
  });
});
