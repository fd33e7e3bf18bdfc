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
      // The specs' embedded database is private to the app, so check through the CLI's own run
      // when on the embedded one; on a server both see the same rows.
      if (testEnvironment().config.databaseUrl) {
        await api()
          .post('/api/users/login')
          .send({ user: { email: input.email, password: input.password } })
          .expect(200);
      }
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
      const invalid = await cli('user:create', '--email', 'nope', '--username', 'someone', '--password', 'password123');
      expect(invalid.code).to.equal(1);
      expect(invalid.output).to.include('email must be an email address');
    });

    it('exits non-zero for a migration name with unsafe characters', async () => {
      const { code, output } = await cli('migration:create', '--name', 'drop table;');
      expect(code).to.equal(1);
      expect(output).to.include('--name');
    });
  });
});
