import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { DataFolderLockedError, lockDataFolder, lockFileOf } from '../../src/db/data-folder-lock';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { childEnv } from '../support/processes';

const PROJECT_ROOT = path.resolve(__dirname, '../..');

/** A child process running TypeScript from this project, as `npm run cli` and `npm run dev` do. */
function spawnTs(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['-r', 'ts-node/register', ...args], {
    cwd: PROJECT_ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function output(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const holderPid = (folder: string): number | undefined => {
  try {
    return JSON.parse(fs.readFileSync(lockFileOf(folder), 'utf8')).pid;
  } catch {
    return undefined;
  }
};

describe('the embedded data folder lock', () => {
  let root: string;
  let folder: string;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-lock-'));
    folder = path.join(root, 'pglite');
  });

  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('lets one holder in and refuses the next, naming the folder and the holder PID', () => {
    const lock = lockDataFolder(folder);
    try {
      expect(() => lockDataFolder(folder))
        .to.throw(DataFolderLockedError)
        .with.property('message')
        .that.includes(`the embedded database folder ${folder} is in use by process ${process.pid}`)
        .and.includes('PGLITE_DATA_DIR');
    } finally {
      lock.release();
    }
    expect(fs.existsSync(lockFileOf(folder))).to.equal(false);
    lockDataFolder(folder).release();
  });

  it('takes over the lock of a holder that was killed', async function () {
    this.timeout(20_000);
    const script = `require('./src/db/data-folder-lock').lockDataFolder(${JSON.stringify(folder)}); setInterval(() => {}, 1000);`;
    const holder = spawnTs(['-e', script]);
    children.push(holder);
    await waitFor(() => holderPid(folder) === holder.pid, 15_000);
    expect(() => lockDataFolder(folder)).to.throw(DataFolderLockedError, `process ${holder.pid}`);

    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    expect(fs.existsSync(lockFileOf(folder)), 'a killed holder leaves its lock').to.equal(true);
    const lock = lockDataFolder(folder);
    expect(holderPid(folder)).to.equal(process.pid);
    lock.release();
  });

  it('takes over a lock whose PID now belongs to another process (PID reuse)', () => {
    fs.writeFileSync(
      lockFileOf(folder),
      JSON.stringify({
        pid: process.ppid, // alive, but started long before this lock claims it did
        host: os.hostname(),
        processStart: '1',
        token: 'old',
        command: 'node server.js',
        acquiredAt: '',
      }),
    );
    const lock = lockDataFolder(folder);
    expect(holderPid(folder)).to.equal(process.pid);
    lock.release();
  });

  it('refuses a second embedded database on the same folder', async function () {
    this.timeout(30_000);
    const first = await startEmbeddedPostgres({ dataDir: folder, maxConnections: 2 });
    try {
      const second = await startEmbeddedPostgres({ dataDir: folder, maxConnections: 2 }).catch((e: unknown) => e);
      expect(second).to.be.instanceOf(DataFolderLockedError);
    } finally {
      await first.stop();
    }
    expect(fs.existsSync(lockFileOf(folder))).to.equal(false);
  });

  it('a CLI command, a second server or a job worker run while the server runs fails at once with one line', async function () {
    this.timeout(120_000);
    const env = {
      NODE_ENV: 'development',
      DATABASE_URL: '',
      DATABASE_REPLICA_URLS: '',
      PGLITE_DATA_DIR: folder,
      PORT: '0',
      LOG_LEVEL: 'silent',
      JWT_SECRET: '',
    };
    const server = spawnTs(['src/server.ts'], env);
    children.push(server);
    await waitFor(() => holderPid(folder) === server.pid, 30_000);

    // What loading the CLI alone takes on this machine right now (ts-node compiles it), so that
    // "at once" is measured against the same load, not a fixed number of seconds.
    const loadStarted = Date.now();
    expect((await output(spawnTs(['src/cli/main.ts', '--help'], env))).code).to.equal(0);
    const loadMs = Date.now() - loadStarted;

    const started = Date.now();
    const cli = await output(
      spawnTs(
        ['src/cli/main.ts', 'user:create', '--email', 'a@example.com', '--username', 'a', '--password', 'password123'],
        env,
      ),
    );
    expect(cli.code).to.equal(1);
    const lines = cli.stderr.trim().split('\n');
    expect(lines, cli.stderr).to.have.length(1);
    expect(lines[0]).to.include(`${folder} is in use by process ${server.pid}`);
    // "At once": it does not wait for the server, it does not open the files (any wait for the
    // lock, even a bounded retry, would add seconds on top of the load time).
    expect(Date.now() - started).to.be.below(loadMs * 1.5 + 3_000);

    const second = await output(spawnTs(['src/server.ts'], env));
    expect(second.code).to.equal(1);
    expect(second.stderr.trim().split('\n'), second.stderr).to.deep.equal([
      `the embedded database folder ${folder} is in use by process ${server.pid} (server.ts); stop that process, ` +
        'or use another folder (PGLITE_DATA_DIR) or a PostgreSQL server (DATABASE_URL)',
    ]);

    // The server runs the job worker itself; a separate one needs a PostgreSQL server.
    const worker = await output(spawnTs(['src/worker.ts'], env));
    expect(worker.code).to.equal(1);
    const workerLines = worker.stderr.trim().split('\n');
    expect(workerLines[0]).to.include(`${folder} is in use by process ${server.pid}`);
    expect(workerLines.slice(1), worker.stderr).to.deep.equal([
      'The embedded database serves one process: `npm start` runs the job worker itself ' +
        '(JOBS_WORKER_IN_PROCESS, on by default). A separate worker needs DATABASE_URL (a PostgreSQL server).',
    ]);
  });
});
