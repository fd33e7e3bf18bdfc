import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Client } from 'pg';
import { createFormattedMigration, formatTypeScript } from '../../src/cli/commands/migrations';
import { listRoutes } from '../../src/cli/commands/routes';
import {
  databaseNameOf,
  dropOwnedDatabase,
  recreateOwnedDatabase,
  withDatabaseName,
} from '../../src/db/server-databases';
import { hashToken } from '../../src/modules/oauth/oauth.service';
import { User } from '../../src/modules/users/user.entity';
import { cliContext, onSpecDatabase, runCommand } from '../support/cli';
import { serverUrl } from '../support/env';
import { createUser, DEFAULT_PASSWORD, uniqueUserInput } from '../support/factories';
import { type ProcessResult, runTs } from '../support/processes';
import { startSentryIngest } from '../support/sentry-ingest';
import { api, em, testEnvironment } from '../support/test-env';

/** The CLI in this process, on the spec app's database; `output` is stdout then stderr. */
async function cli(...args: string[]) {
  const result = await runCommand(onSpecDatabase(), ...args);
  return { ...result, output: result.stdout + result.stderr };
}

/** `npm run cli -- ...` as its own process on the database the spec app uses. */
function cliProcess(...args: [...string[], Record<string, string>] | string[]): Promise<ProcessResult> {
  const last = args.at(-1);
  const env = typeof last === 'object' ? (args.pop() as Record<string, string>) : {};
  return runTs(['src/cli/main.ts', ...(args as string[])], {
    DATABASE_URL: testEnvironment().database.url,
    DB_POOL_MAX: '1',
    ...env,
  });
}

describe('CLI', () => {
  describe('openapi', () => {
    it('prints the document GET /openapi.json serves, as its own process, without opening a database', async () => {
      // A database that cannot answer: the command must not try.
      const result = await cliProcess('openapi', { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
      expect(result.status, result.stderr).to.equal(0);
      const served = await api().get('/openapi.json').expect(200);
      expect(JSON.parse(result.stdout)).to.deep.equal(served.body);
    });
  });

  describe('routes', () => {
    it('lists every route with its method, path and auth requirement', async () => {
      const { code, output } = await cli('routes');
      expect(code).to.equal(0);
      expect(output).to.match(/GET\s+\/api\/user\s+required/);
      expect(output).to.match(/POST\s+\/api\/users\/login\s+none/);
      expect(output).to.match(/GET\s+\/protected\s+required/);
      expect(output).to.match(/POST\s+\/oauth\/token\s+none/);
      expect(output).to.match(/POST\s+\/oauth\/revoke\s+none/);
      expect(output).to.match(/POST\s+\/graphql\s+optional\s+graphqlEndpoint/);
      expect(output).to.match(/GET\s+\/graphql\s+optional\s+graphqlEndpoint/);
    });

    it('knows which routes need a token', () => {
      const byRoute = Object.fromEntries(listRoutes().map((r) => [`${r.method} ${r.path}`, r.auth]));
      expect(byRoute).to.include({ 'GET /': 'none', 'PUT /api/user': 'required', 'POST /auth': 'none' });
    });
  });

  describe('routes --json', () => {
    it('prints the same routes as JSON, with each handler and whether it needs a token', async () => {
      const { code, stdout } = await cli('routes', '--json');
      expect(code).to.equal(0);
      const routes = JSON.parse(stdout) as { method: string; path: string; auth: string; handler: string }[];
      expect(routes).to.deep.include({
        method: 'GET',
        path: '/api/user',
        auth: 'required',
        handler: 'UsersController.current',
      });
      // @CurrentUser() without `required`: answered with or without a token.
      expect(routes).to.deep.include({
        method: 'GET',
        path: '/api/articles/',
        auth: 'optional',
        handler: 'ArticlesController.list',
      });
      expect(routes).to.deep.include({
        method: 'POST',
        path: '/graphql',
        auth: 'optional',
        handler: 'graphqlEndpoint',
      });
    });

    it('heads the table with its columns, each as wide as its widest cell', async () => {
      const lines = (await cli('routes')).stdout.trimEnd().split('\n');
      expect(lines[0]).to.match(/^METHOD {2}PATH +AUTH +HANDLER$/);
      const column = (name: string) => lines[0].indexOf(name);
      for (const line of lines.slice(1)) {
        expect(line.slice(column('AUTH')), line).to.match(/^(required|optional|none) +\S+$/);
        expect(line[column('AUTH') - 1], line).to.equal(' ');
      }
    });
  });

  describe('help and failures', () => {
    it('--help names the program and lists the commands', async () => {
      const { code, stdout } = await cli('--help');
      expect(code).to.equal(0);
      expect(stdout).to.match(/^Usage: conduit \[options\] \[command\]\n\nkoa-conduit maintenance commands\n/);
      for (const command of [
        'initdb',
        'user:create',
        'seed',
        'routes',
        'openapi',
        'migration:up',
        'jobs:list',
        'purge',
      ]) {
        expect(stdout).to.match(new RegExp(`^  ${command}\\b`, 'm'));
      }
    });

    it('a bad configuration is one line and exit 1, before any database is opened', async () => {
      const { code, stdout, stderr } = await runCommand(cliContext({ PORT: '70000' }), 'purge');
      expect({ code, stdout }).to.deep.equal({ code: 1, stdout: '' });
      expect(stderr).to.equal(
        'error: Invalid configuration:\n  - PORT must be an integer from 0 to 65535 (got "70000")\n',
      );
    });

    it('an unexpected failure is one line and exit 1, reported with the command, without the password', async function () {
      this.timeout(60_000);
      const ingest = await startSentryIngest();
      try {
        // A server that refuses connections: no command turns that into a refusal of its own.
        const { code, stdout, stderr } = await runCommand(
          cliContext({
            DATABASE_URL: 'postgres://postgres:db-password-secret@127.0.0.1:9/conduit',
            SENTRY_DSN: ingest.dsn,
          }),
          'purge',
        );
        expect({ code, stdout }).to.deep.equal({ code: 1, stdout: '' });
        expect(stderr).to.match(/^error: .*ECONNREFUSED.*\n$/);
        expect(ingest.events).to.have.length(1);

        // A refusal is the user's to fix, not a failure to report.
        const refused = await runCommand(cliContext({ SENTRY_DSN: ingest.dsn }), 'jobs:purge');
        expect(refused.code).to.equal(1);
        expect(ingest.events).to.have.length(1);
        expect(ingest.events[0].tags).to.include({ source: 'cli', command: 'purge' });
        expect(ingest.envelopes.join('\n')).not.to.include('db-password-secret');
      } finally {
        await ingest.close();
      }
    });
  });

  describe('against the database', () => {
    it('initdb finds the database and applies nothing on a current schema', async () => {
      const { code, stdout, stderr } = await cli('initdb');
      expect(code, stderr).to.equal(0);
      const [found, applied, rest] = stdout.split('\n');
      expect(found).to.equal(`Found database "${databaseNameOf(testEnvironment().database.url)}".`);
      expect(applied).to.match(/: applied 0 migration\(s\); schema is current\.$/);
      expect(rest).to.equal('');
    });

    it('purge deletes expired refresh tokens, the logins they leave empty and ended limit windows, nothing live', async function () {
      this.timeout(60_000);
      const fixture = await createUser();
      const grant = async () =>
        (
          await api()
            .post('/oauth/token')
            .send({ grant_type: 'password', username: fixture.user.username, password: DEFAULT_PASSWORD })
            .expect(200)
        ).body.refresh_token as string;
      const [expired, live] = [await grant(), await grant()];
      const fork = em();
      await fork.execute("update oauth_refresh_tokens set expires_at = now() - interval '1 day' where token_hash = ?", [
        hashToken(expired),
      ]);
      await fork.execute(
        `insert into idempotency_keys (key, owner_id, route, fingerprint, status, created_at)
         values ('purge-spec-old', ?, 'POST /api/articles', 'f', 201, now() - interval '25 hours'),
                ('purge-spec-new', ?, 'POST /api/articles', 'f', 201, now())`,
        [fixture.user.id, fixture.user.id],
      );
      await fork.execute(
        `insert into rate_limit_counters (limit_name, subject, hits, window_ends_at)
         values ('login-ip', 'purge-spec-ended', 1, now() - interval '1 second'),
                ('login-ip', 'purge-spec-running', 1, now() + interval '1 hour')`,
      );

      const result = await cli('purge');
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.match(
        /Purged [1-9]\d* expired refresh tokens \([1-9]\d* logins ended\), [1-9]\d* ended rate-limit windows and [1-9]\d* expired idempotency keys/,
      );
      const keys = await fork.execute<{ key: string }[]>(
        "select key from idempotency_keys where key like 'purge-spec-%'",
      );
      expect(keys.map((row) => row.key)).to.deep.equal(['purge-spec-new']);

      const tokens = await fork.execute<{ token_hash: string }[]>(
        'select token_hash from oauth_refresh_tokens where token_hash in (?, ?)',
        [hashToken(expired), hashToken(live)],
      );
      expect(tokens.map((row) => row.token_hash)).to.deep.equal([hashToken(live)]);
      const counters = await fork.execute<{ subject: string }[]>(
        "select subject from rate_limit_counters where subject like 'purge-spec-%'",
      );
      expect(counters.map((row) => row.subject)).to.deep.equal(['purge-spec-running']);
    });

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
      const created = await em().findOneOrFail(User, { username: input.username });
      expect(output).to.equal(`Created user #${created.id} ${input.username} <${input.email}>.\n`);
      await api()
        .post('/api/users/login')
        .send({ user: { email: input.email, password: input.password } })
        .expect(200);
    });

    it('user:create refuses a taken email in one line, and creates nothing', async () => {
      const taken = (await createUser()).user;
      const input = uniqueUserInput('clitaken');
      const { code, stdout, stderr } = await cli(
        'user:create',
        '--email',
        taken.email.toUpperCase(),
        '--username',
        input.username,
        '--password',
        input.password,
      );
      expect({ code, stdout, stderr }).to.deep.equal({
        code: 1,
        stdout: '',
        stderr: 'error: email has already been taken\n',
      });
      expect(await em().findOne(User, { username: input.username })).to.equal(null);

      const both = await cli(
        'user:create',
        '--email',
        taken.email,
        '--username',
        taken.username,
        '--password',
        input.password,
      );
      expect(both.stderr).to.equal('error: email has already been taken; username has already been taken\n');
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
      const { code, stdout, stderr } = await cli('migration:check');
      expect(code, stderr).to.equal(0);
      expect(stdout).to.equal(
        'Migrations are up to date with the entities.\nThe configured database has every migration applied.\n',
      );
    });

    it('migration:check changes nothing: an embedded folder is not even created', async function () {
      this.timeout(60_000);
      const folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-check-')), 'pglite');
      const run = await cliProcess('migration:check', {
        DATABASE_URL: '',
        DATABASE_REPLICA_URLS: '',
        PGLITE_DATA_DIR: folder,
      });
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stdout).to.include('up to date');
      expect(fs.existsSync(folder)).to.equal(false);
    });

    it('migration:check lists what is pending on a server database without applying it', async function () {
      if (!serverUrl) this.skip();
      this.timeout(60_000);
      const url = withDatabaseName(serverUrl, `conduit_check_spec_${process.pid}`);
      await recreateOwnedDatabase(url, 'spec');
      try {
        const run = await cliProcess('migration:check', { DATABASE_URL: url });
        expect(run.status, run.stderr).to.equal(0);
        expect(run.stdout).to.match(/Pending on the configured database: Migration\d+_create_users, /);
        const client = new Client({ connectionString: url });
        await client.connect();
        const tables = await client.query(`select 1 from information_schema.tables where table_schema = 'public'`);
        await client.end();
        expect(tables.rowCount, 'tables created by a check').to.equal(0);
      } finally {
        await dropOwnedDatabase(url);
      }
    });

    it('migration:create writes a file that passes the linter as generated', async function () {
      this.timeout(30_000);
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-migration-'));
      try {
        const written = await createFormattedMigration(testEnvironment().database.orm, {
          blank: true,
          name: 'spec_blank',
          folder,
        });
        const source = fs.readFileSync(written?.file as string, 'utf8');
        expect(source).to.include('spec_blank');
        // Unformatted, MikroORM's output has blank lines inside the class that Biome rejects.
        expect(formatTypeScript(source)).to.equal(source);
      } finally {
        fs.rmSync(folder, { recursive: true, force: true });
      }
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

    it('seed refuses counts and batch sizes out of range in one line, before opening a database', async () => {
      const refusal = async (...args: string[]) => {
        const { code, stdout, stderr } = await cli('seed', ...args);
        return { code, stdout, stderr };
      };
      const count = (value: string) => ({
        code: 1,
        stdout: '',
        stderr: `error: expected a whole number from 0 to 1000000, got "${value}"\n`,
      });
      expect(await refusal('--users', '1000001')).to.deep.equal(count('1000001'));
      expect(await refusal('--users', '-1')).to.deep.equal(count('-1'));
      expect(await refusal('--users', '2', '--articles', '1e3')).to.deep.equal(count('1e3'));
      expect(await refusal('--users', '2', '--comments', '')).to.deep.equal(count(''));
      const batch = (value: string) => ({
        code: 1,
        stdout: '',
        stderr: `error: expected a batch size from 1 to 10000, got "${value}"\n`,
      });
      expect(await refusal('--users', '2', '--batch-size', '0')).to.deep.equal(batch('0'));
      expect(await refusal('--users', '2', '--batch-size', '10001')).to.deep.equal(batch('10001'));
      // The bounds themselves are accepted (options are read in order: the next one is refused).
      expect(await refusal('--users', '1000000', '--batch-size', '0')).to.deep.equal(batch('0'));
      expect(await refusal('--users', ' 5 ', '--batch-size', '0')).to.deep.equal(batch('0'));
      expect(await refusal('--batch-size', '1', '--users', 'x')).to.deep.equal(count('x'));
      expect(await refusal('--batch-size', '10000', '--users', 'x')).to.deep.equal(count('x'));
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
      // Every problem, on one line, one message per field.
      expect(invalid.stderr).to.equal(
        'error: username may contain only letters, digits, "_", "." and "-"; email must be an email address\n',
      );
    });

    it('exits non-zero for a migration name with unsafe characters', async () => {
      const { code, output } = await cli('migration:create', '--name', 'drop table;');
      expect(code).to.equal(1);
      expect(output).to.include('--name');
    });
  });
});
