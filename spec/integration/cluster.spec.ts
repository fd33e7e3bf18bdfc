import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { expect } from 'chai';
import { childEnv } from '../support/processes';
import { testEnvironment } from '../support/test-env';

const PROJECT_ROOT = path.resolve(__dirname, '../..');

interface LogEntry {
  msg?: string;
  pid?: number;
  port?: number;
  requestId?: string;
  role?: string;
  worker?: number;
  migrated?: boolean;
  workers?: number[];
}

/** `src/server.ts` as its own process (ts-node, as `npm run dev` runs it), its JSON lines kept. */
class ServerUnderTest {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(env: Record<string, string | undefined>) {
    this.child = spawn(process.execPath, ['-r', 'ts-node/register', 'src/server.ts'], {
      cwd: PROJECT_ROOT,
      env: childEnv({ LOG_LEVEL: 'info', LOG_FORMAT: 'json', PORT: '0', DB_POOL_MAX: '2', ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk) => {
      this.stdout += chunk;
    });
    this.child.stderr?.on('data', (chunk) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  entries(): LogEntry[] {
    return this.stdout.split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line) as LogEntry];
      } catch {
        return [];
      }
    });
  }

  /** Waits until `count` lines match, or fails with the output so far. */
  async logged(match: (entry: LogEntry) => boolean, count = 1, timeoutMs = 90_000): Promise<LogEntry[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.entries().filter(match);
      if (found.length >= count) return found;
      if (this.child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`expected log lines did not come:\n${this.stdout.slice(-3000)}\n${this.stderr.slice(-2000)}`);
  }
}

/** One request on a connection of its own (so the primary hands each to the next worker). */
function get(port: number, requestId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(
        { host: '127.0.0.1', port, path: '/api/tags', agent: false, headers: { 'x-request-id': requestId } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      )
      .on('error', reject);
  });
}

/** The pids whose request lines carry the ids sent, after sending `count` requests. */
async function pidsAnswering(server: ServerUnderTest, port: number, prefix: string, count: number): Promise<number[]> {
  for (let i = 0; i < count; i++) expect(await get(port, `${prefix}-${i}`)).to.equal(200);
  const lines = await server.logged(
    (e) => e.msg === 'request' && Boolean(e.requestId?.startsWith(`${prefix}-`)),
    count,
  );
  return [...new Set(lines.map((line) => line.pid as number))].sort();
}

describe('npm start with WEB_CONCURRENCY (src/server.ts as a node:cluster primary)', function () {
  this.timeout(180_000);
  let server: ServerUnderTest | undefined;
  afterEach(() => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  });

  it('refuses WEB_CONCURRENCY=2 without DATABASE_URL in one line, exit code 1', async () => {
    server = new ServerUnderTest({ WEB_CONCURRENCY: '2', DATABASE_URL: undefined, PGLITE_DATA_DIR: 'memory://' });
    expect(await server.exited).to.equal(1);
    expect(server.stderr.trim()).to.equal(
      'WEB_CONCURRENCY=2 needs DATABASE_URL: the embedded database belongs to one process (unset WEB_CONCURRENCY, or use a PostgreSQL server)',
    );
    expect(server.entries().filter((e) => e.worker !== undefined)).to.deep.equal([]);
  });

  it('migrates once in the primary, serves from 2 workers, replaces a killed one, and exits 0 on SIGTERM', async () => {
    server = new ServerUnderTest({ WEB_CONCURRENCY: '2', DATABASE_URL: testEnvironment().database.url });
    const [allReady] = await server.logged((e) => e.msg === 'all workers ready');
    const workerPids = [...(allReady.workers ?? [])].sort();
    expect(workerPids).to.have.length(2);
    expect(workerPids).not.to.include(server.child.pid);

    // The primary migrated before forking; the workers did not migrate.
    const entries = server.entries();
    const migrated = entries.findIndex((e) => e.role === 'primary' && e.msg === 'migrated');
    const firstWorkerLine = entries.findIndex((e) => e.worker !== undefined);
    expect(migrated, 'the primary migrated').to.be.at.least(0);
    expect(migrated, 'before any worker started').to.be.below(firstWorkerLine);
    const ready = entries.filter((e) => e.msg === 'ready');
    expect(ready.map((e) => e.migrated)).to.deep.equal([false, false]);
    // The primary owns the port.
    const listening = entries.filter((e) => e.msg?.startsWith('listening'));
    expect(listening.map((e) => e.role)).to.deep.equal(['primary']);
    const port = listening[0].port as number;

    expect(await pidsAnswering(server, port, 'before', 10)).to.deep.equal(workerPids);

    process.kill(workerPids[0], 'SIGKILL');
    const [replaced] = await server.logged((e) => e.msg === 'worker replaced');
    const afterPids = [workerPids[1], replaced.pid as number].sort();
    expect(await pidsAnswering(server, port, 'after', 10)).to.deep.equal(afterPids);

    server.child.kill('SIGTERM');
    expect(await server.exited).to.equal(0);
    for (const pid of afterPids) expect(() => process.kill(pid, 0), `worker ${pid} is gone`).to.throw();
    expect(server.stderr).to.equal('');
  });
});
