import { execFile } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { listRoutes } from '../../src/cli/commands/routes';
import { runCli } from '../../src/cli/main';
import { uniqueUserInput } from '../support/factories';
import { api, testEnvironment } from '../support/test-env';

/** Runs the CLI in process and captures what it prints. */
async function cli(...args: string[]) {
  const lines: string[] = [];
  const original = {
    log: console.log,
    error: console.error,
    stdout: process.stdout.write,
    stderr: process.stderr.write,
  };
  const capture = (...parts: unknown[]) => {
    lines.push(parts.map(String).join(' '));
  };
  console.log = capture;
  console.error = capture;
  const write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = write;
  process.stderr.write = write;
  try {
    const code = await runCli(args);
    return { code, output: lines.join('\n') };
  } finally {
    Object.assign(console, { log: original.log, error: original.error });
    process.stdout.write = original.stdout;
    process.stderr.write = original.stderr;
  }
}

/**
 * Runs `npm run cli -- ...` as its own process on the database the spec app uses. Asynchronously:
 * in the embedded pass that database is served by this very process.
 */
function cliProcess(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = execFile(process.execPath, ['-r', 'ts-node/register', 'src/cli/main.ts', ...args], {
    cwd: path.resolve(__dirname, '../..'),
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: testEnvironment().database.url, DB_POOL_MAX: '1' },
    timeout: 50_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, stdout, stderr })));
}

describe('CLI', () => {
  describe('routes', () => {
    it('lists every route with its method, path and auth requirement', async () => {
      const { code, output } = await cli('routes');
      expect(code).to.equal(0);
      expect(output).to.match(/GET\s+\/api\/user\s+required/);
      expect(output).to.match(/POST\s+\/api\/users\/login\s+none/);
      expect(output).to.match(/GET\s+\/protected\s+required/);
    });

    it('knows which routes need a token', () => {
      const byRoute = Object.fromEntries(listRoutes().map((r) => [`${r.method} ${r.path}`, r.auth]));
      expect(byRoute).to.include({ 'GET /': 'none', 'PUT /api/user': 'required', 'POST /auth': 'none' });
    });
  });

  describe('against the database', () => {
    it('user:create creates an account that can log in', async () => {
      const input = uniqueUserInput('cli');
      const { code, output } = await cli(
        'user:create',
        '--email',
        input.email,
        '--username',
        input.username,
        '--password',
        input.password,
      );
      expect(code, output).to.equal(0);
      expect(output).to.include(`Created user #`);
    });

    it('user:create, run as a real process on the API database, makes the account the API finds', async function () {
      this.timeout(60_000);
      const input = uniqueUserInput('cli');
      // "josé" typed with a combining accent (e + U+0301): the API looks names up in NFC.
      const decomposed = `${input.username}jose\u0301`;
      const run = await cliProcess(
        'user:create',
        '--email',
        input.email,
        '--username',
        decomposed,
        '--password',
        input.password,
      );
      expect(run.status, run.stderr).to.equal(0);
      const nfc = decomposed.normalize('NFC');
      const profile = await api()
        .get(`/api/profiles/${encodeURIComponent(nfc)}`)
        .expect(200);
      expect(profile.body.profile.username).to.equal(nfc);
      await api()
        .post('/api/users/login')
        .send({ user: { email: input.email, password: input.password } })
        .expect(200);

      // The same name again, in the other normal form, is taken: one line, exit 1.
      const again = await cliProcess(
        'user:create',
        '--email',
        `x${input.email}`,
        '--username',
        nfc,
        '--password',
        input.password,
      );
      expect(again.status).to.equal(1);
      expect(again.stderr.trim()).to.equal('error: username has already been taken');
    });

    it('migration:check passes: every entity change has a migration', async () => {
      const { code, output } = await cli('migration:check');
      expect(code, output).to.equal(0);
      expect(output).to.include('up to date');
    });
  });

  describe('bad arguments', () => {
    it('exits non-zero for an unknown command', async () => {
      const { code, output } = await cli('frobnicate');
      expect(code).not.to.equal(0);
      expect(output).to.include('unknown command');
    });

    it('exits non-zero when seed gets a non-numeric count', async () => {
      const { code, output } = await cli('seed', '--users', 'lots');
      expect(code).not.to.equal(0);
      expect(output).to.include('expected a whole number');
    });

    it('exits non-zero when user:create misses an option or gets an invalid email', async () => {
      expect((await cli('user:create', '--email', 'a@b.co')).code).not.to.equal(0);
      const invalid = await cli(
        'user:create',
        '--email',
        'nope',
        '--username',
        'some one',
        '--password',
        'password123',
      );
      expect(invalid.code).to.equal(1);
      // Every problem, on one line.
      expect(invalid.output.trim().split('\n')).to.have.length(1);
      expect(invalid.output).to.include('email must be an email address');
      expect(invalid.output).to.include('username may contain only');
    });

    it('exits non-zero for a migration name with unsafe characters', async () => {
      const { code, output } = await cli('migration:create', '--name', 'drop table;');
      expect(code).to.equal(1);
      expect(output).to.include('--name');
    });
  });
});
