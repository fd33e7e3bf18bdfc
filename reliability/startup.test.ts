import net from 'node:net';
import { expect } from 'chai';
import { recordFigures } from './support/figures';
import { request } from './support/http-client';
import { ServerProcess, sleep } from './support/server-process';
import { scratchDatabase, startProxy } from './support/suite';

/** Lines a person reads: stderr, plus stdout lines that are not JSON log entries. */
function plainLines(server: ServerProcess): string[] {
  return [...server.stderr, ...server.stdout.filter((line) => !line.startsWith('{'))].filter((line) => line.trim());
}

/**
 * Issue 7, items 7 and 8: starting while the database is down, and on a port that is taken.
 */
describe('start-up failures', () => {
  it('retries a database that is down, then exits non-zero with one clear line', async () => {
    const proxy = await startProxy();
    await proxy.cut();
    const url = scratchDatabase().urlVia('127.0.0.1', proxy.port).replace('postgres@', 'postgres:hunter2@');
    const server = new ServerProcess({ DATABASE_URL: url, DB_STARTUP_TIMEOUT_MS: '3000' });
    const exit = await server.exited;
    const ms = Date.now() - server.startedAt;
    const attempts = server.logEntries().filter((entry) => /not reachable/.test(String(entry.msg)));
    const errors = plainLines(server);

    recordFigures('start while the database is down (DB_STARTUP_TIMEOUT_MS=3000)', {
      exitCode: exit.code,
      msToExit: ms,
      attemptLines: attempts.length,
      errorLines: errors.length,
      lastLine: errors.at(-1) ?? null,
    });

    expect(exit.code).to.equal(1);
    expect(ms, 'gave up too early or too late').to.be.within(2500, 8000);
    expect(attempts.length, 'one log line per attempt').to.be.at.least(2);
    for (const attempt of attempts) expect(String(attempt.database)).to.include(`127.0.0.1:${proxy.port}`);
    expect(errors, 'one clear line on stderr').to.have.length(1);
    expect(errors[0]).to.include(`127.0.0.1:${proxy.port}`).and.include('DATABASE_URL');
    expect(server.tail()).not.to.include('hunter2');
    await proxy.stop();
  });

  it('waits for a database that comes up while it retries, and /health says 503 with Retry-After meanwhile', async () => {
    const proxy = await startProxy();
    await proxy.cut();
    const server = new ServerProcess({
      DATABASE_URL: scratchDatabase().urlVia('127.0.0.1', proxy.port),
      DB_STARTUP_TIMEOUT_MS: '15000',
    });
    // The port is bound before the database is open: /health answers 503 until it is ready.
    const port = await server.listening();
    await sleep(1000);
    const early = await request(port, { path: '/health' });
    const restoredAt = Date.now();
    await proxy.restore();
    const ready = await waitForHealth(port);
    recordFigures('start while the database is down, database back after 1.5 s', {
      healthWhileDown: { status: early.status, retryAfter: early.headers['retry-after'] ?? null },
      msFromRestoreToHealthy: Date.now() - restoredAt,
      healthAfter: ready,
    });
    expect(early.status).to.equal(503);
    expect(early.headers['retry-after']).to.match(/^\d+$/);
    expect(ready).to.equal(200);
    server.kill('SIGTERM');
    expect((await server.exited).code).to.equal(0);
    await proxy.stop();
  });

  it('says in one line that the port is taken, exits 1, and never touches the database', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const takenPort = (blocker.address() as net.AddressInfo).port;
    const proxy = await startProxy();
    const server = new ServerProcess({
      DATABASE_URL: scratchDatabase().urlVia('127.0.0.1', proxy.port),
      PORT: String(takenPort),
    });
    const exit = await server.exited;
    const ms = Date.now() - server.startedAt;
    const lines = plainLines(server);
    recordFigures('port already in use', {
      exitCode: exit.code,
      msToExit: ms,
      errorLines: lines.length,
      line: lines[0] ?? null,
      databaseConnections: proxy.connectionsAccepted,
    });
    blocker.close();
    expect(exit.code).to.equal(1);
    expect(lines).to.have.length(1);
    expect(lines[0])
      .to.include(String(takenPort))
      .and.match(/in use/);
    expect(proxy.connectionsAccepted, 'connections to the database').to.equal(0);
    await proxy.stop();
  });
});

async function waitForHealth(port: number): Promise<number> {
  let status = 0;
  for (let i = 0; i < 40 && status !== 200; i++) {
    status = (await request(port, { path: '/health' })).status;
    if (status !== 200) await sleep(250);
  }
  return status;
}
