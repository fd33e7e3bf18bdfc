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

describe('npm run worker (src/worker.ts as a process)', function () {
  this.timeout(120_000);
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('runs the jobs a request enqueued, and exits 0 on SIGTERM', async () => {
    let stdout = '';
    let stderr = '';
    child = spawn(process.execPath, ['-r', 'ts-node/register', 'src/worker.ts'], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: testEnvironment().database.url,
        DB_POOL_MAX: '2',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        JOBS_POLL_INTERVAL_MS: '100',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));
    await until(
      () => (stdout.includes('job worker ready') ? true : undefined),
      90_000,
      `the worker to start: ${stderr}`,
    );

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
    // Logged, not sent: the process has no SMTP_URL.
    expect(stdout).to.include('mail not sent (SMTP_URL is unset): logged instead');

    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
    expect(stdout).to.include('job worker stopped');
    expect(stderr).to.equal('');
  });
});
