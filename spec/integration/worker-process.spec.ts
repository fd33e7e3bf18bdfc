import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { WELCOME_MAIL } from '../../src/modules/notifications/notification-jobs';
import { User } from '../../src/modules/users/user.entity';
import { uniqueUserInput } from '../support/factories';
import { api, em, testEnvironment } from '../support/test-env';

const PROJECT_ROOT = path.resolve(__dirname, '../..');

async function until<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('job workers as processes: npm run worker (src/worker.ts), npm start (src/server.ts)', function () {
  this.timeout(120_000);
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  /** Starts `entry` on the spec database; resolves once `readyLine` was logged. */
  async function start(entry: string, readyLine: string, env: Record<string, string> = {}) {
    const output = { stdout: '', stderr: '' };
    const process_ = spawn(process.execPath, ['-r', 'ts-node/register', entry], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: testEnvironment().database.url,
        DB_POOL_MAX: '2',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        JOBS_POLL_INTERVAL_MS: '100',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = process_;
    process_.stdout?.on('data', (chunk) => {
      output.stdout += chunk;
    });
    process_.stderr?.on('data', (chunk) => {
      output.stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => process_.on('exit', (code) => resolve(code)));
    await until(
      () => (output.stdout.includes(readyLine) ? true : undefined),
      90_000,
      `${entry} to start: ${output.stderr}`,
    );
    return { process: process_, output, exited };
  }

  /** Registers through the API and waits for the worker under test to finish the welcome job. */
  async function registerAndWaitForWelcomeJob() {
    const input = uniqueUserInput('workerproc');
    await api().post('/api/users').send({ user: input }).expect(201);
    const user = await em().findOneOrFail(User, { username: input.username });
    await until(
      async () => {
        const [row] = await em().execute<{ state: string }[]>(
          `select state from jobs where name = ? and payload->>'userId' = ?`,
          [WELCOME_MAIL, String(user.id)],
        );
        return row?.state === 'done' ? true : undefined;
      },
      60_000,
      'the welcome job to be done',
    );
  }

  it('runs the jobs a request enqueued, and exits 0 on SIGTERM', async () => {
    const worker = await start('src/worker.ts', 'job worker ready');
    await registerAndWaitForWelcomeJob();
    // Logged, not sent: the process has no SMTP_URL.
    expect(worker.output.stdout).to.include('mail not sent (SMTP_URL is unset): logged instead');
    worker.process.kill('SIGTERM');
    expect(await worker.exited).to.equal(0);
    expect(worker.output.stdout).to.include('job worker stopped');
    expect(worker.output.stderr).to.equal('');
  });

  it('npm start runs the worker in the server process (JOBS_WORKER_IN_PROCESS, on by default)', async () => {
    const server = await start('src/server.ts', '"msg":"ready"', { PORT: '0', MIGRATE_ON_START: 'false' });
    expect(server.output.stdout).to.include('"jobWorker":true');
    await registerAndWaitForWelcomeJob();
    server.process.kill('SIGTERM');
    expect(await server.exited).to.equal(0);
    expect(server.output.stdout).to.include('"msg":"stopped"');
  });
});
