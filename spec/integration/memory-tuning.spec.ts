import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { MMAP_THRESHOLD_BYTES, MMAP_THRESHOLD_VARIABLE } from '../../src/memory-tuning';

const PROJECT_ROOT = path.resolve(__dirname, '../..');
const hasExecve = typeof (process as unknown as { execve?: unknown }).execve === 'function';

function startServer(env: NodeJS.ProcessEnv): { child: ChildProcess; listening: Promise<string> } {
  const child = spawn(process.execPath, ['-r', 'ts-node/register', 'src/server.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: '',
      PGLITE_DATA_DIR: 'memory://',
      PORT: '0',
      LOG_LEVEL: 'info',
      JWT_SECRET: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const url = /listening on (http:\/\/[^\s"]+)/.exec(output)?.[1];
      if (url) resolve(url);
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${output}`)));
  });
  return { child, listening };
}

/** The environment a running process was started with (Linux). */
function environmentOf(pid: number): Record<string, string> {
  const entries = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(
    entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
}

describe('the server process: malloc tuning for argon2 (src/memory-tuning.ts)', () => {
  let server: ChildProcess | undefined;

  before(function () {
    if (process.platform !== 'linux') this.skip();
  });

  afterEach(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    server = undefined;
  });

  it(`restarts itself in place with ${MMAP_THRESHOLD_VARIABLE} set, keeping its PID, and serves`, async function () {
    if (!hasExecve) {
      // Node 20 has no process.execve: README says to set the variable in the environment there.
      this.skip();
    }
    this.timeout(60_000);
    const started = startServer({ [MMAP_THRESHOLD_VARIABLE]: undefined });
    server = started.child;
    const url = await started.listening;
    expect(environmentOf(server.pid as number)[MMAP_THRESHOLD_VARIABLE]).to.equal(MMAP_THRESHOLD_BYTES);
    const health = await fetch(`${url}/health`);
    expect(health.status).to.be.oneOf([200, 503]);
  });

  it('keeps a value the operator chose', async function () {
    this.timeout(60_000);
    const started = startServer({ [MMAP_THRESHOLD_VARIABLE]: '4194304' });
    server = started.child;
    await started.listening;
    expect(environmentOf(server.pid as number)[MMAP_THRESHOLD_VARIABLE]).to.equal('4194304');
  });
});
