import { expect } from 'chai';
import { runCli } from '../../src/cli/main';
import { Job } from '../../src/modules/jobs/job.entity';
import { WELCOME_MAIL } from '../../src/modules/notifications/notification-jobs';
import { User } from '../../src/modules/users/user.entity';
import { uniqueUserInput } from '../support/factories';
import { type ProcessResult, runTs } from '../support/processes';
import { api, em, testEnvironment } from '../support/test-env';

/** `npm run cli -- jobs:…` as its own process, on the database the spec app uses. */
function jobsCli(...args: string[]): Promise<ProcessResult> {
  return runTs(['src/cli/main.ts', ...args], { DATABASE_URL: testEnvironment().database.url, DB_POOL_MAX: '1' });
}

/** A dead-lettered job of this spec, finished `daysAgo` days ago. */
async function deadLetter(name: string, daysAgo: number): Promise<number> {
  const id = await em().getRepository(Job).enqueue({ name, payload: {}, maxAttempts: 2 });
  await em().execute(
    `update jobs set state = 'failed', attempts = 2, last_error = 'SMTP 451: try again later\nmore detail',
            finished_at = now() - ? * interval '1 day' where id = ?`,
    [daysAgo, id],
  );
  return Number(id);
}

/** The CLI in this process, for refusals that happen before any database is opened. */
async function inProcess(...args: string[]): Promise<{ code: number; errors: string[] }> {
  const errors: string[] = [];
  const original = console.error;
  console.error = (...parts: unknown[]) => void errors.push(parts.map(String).join(' '));
  try {
    return { code: await runCli(args), errors };
  } finally {
    console.error = original;
  }
}

async function stateOf(id: number): Promise<string | undefined> {
  const rows = await em().execute<{ state: string }[]>('select state from jobs where id = ?', [id]);
  return rows[0]?.state;
}

describe('CLI: jobs', function () {
  // Each command is a process of its own (ts-node start-up): seconds each on a busy machine.
  this.timeout(120_000);
  const name = `spec.cli.${Date.now().toString(36)}`;
  after(async () => {
    await em().execute('delete from jobs where name = ?', [name]);
  });

  it('jobs:list --state failed lists dead letters with their attempts and first line of the last error', async () => {
    const id = await deadLetter(name, 0);
    const result = await jobsCli('jobs:list', '--state', 'failed', '--limit', '500');
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.match(
      new RegExp(
        `#${id}  failed  ${name.replace(/\./g, '\\.')}  attempts 2/2  finished \\S+  last error: SMTP 451: try again later\\n`,
      ),
    );
    expect(result.stdout).to.not.include('more detail');
  });

  it('jobs:retry <id> queues a failed job again; a job in another state is one line and exit 1', async () => {
    const id = await deadLetter(name, 0);
    const retried = await jobsCli('jobs:retry', String(id));
    expect(retried.status, retried.stderr).to.equal(0);
    expect(retried.stdout.trim()).to.equal(`Job #${id} queued again.`);
    expect(await stateOf(id)).to.equal('queued');
    const [row] = await em().execute<{ max_attempts: number; finished_at: unknown }[]>(
      'select max_attempts, finished_at from jobs where id = ?',
      [id],
    );
    expect(row).to.deep.equal({ max_attempts: 4, finished_at: null });

    const again = await jobsCli('jobs:retry', String(id));
    expect(again.status).to.equal(1);
    expect(again.stderr.trim()).to.equal(`error: job #${id} is queued, not failed: only failed jobs are retried`);
  });

  it('refuses bad arguments in one line, before opening any database', async () => {
    expect(await inProcess('jobs:retry', 'abc')).to.deep.equal({
      code: 1,
      errors: ['error: <id> must be a positive integer (got "abc")'],
    });
    expect(await inProcess('jobs:list', '--state', 'stuck')).to.deep.equal({
      code: 1,
      errors: ['error: --state must be one of queued, active, done, failed (got "stuck")'],
    });
    // Deleting is never a default.
    expect(await inProcess('jobs:purge')).to.deep.equal({
      code: 1,
      errors: ['error: say which jobs to delete: --failed and/or --done'],
    });
  });

  it('jobs:purge --failed --older-than-days deletes only the dead letters that old', async () => {
    const old = await deadLetter(name, 10);
    const recent = await deadLetter(name, 1);
    const purged = await jobsCli('jobs:purge', '--failed', '--older-than-days', '5');
    expect(purged.status, purged.stderr).to.equal(0);
    expect(purged.stdout).to.match(/^Deleted \d+ failed jobs?\.$/m);
    expect(await stateOf(old)).to.equal(undefined);
    expect(await stateOf(recent)).to.equal('failed');
  });

  it('jobs:run --id runs that job now in the CLI process (mail logged: no SMTP_URL)', async () => {
    const input = uniqueUserInput('clirun');
    await api().post('/api/users').send({ user: input }).expect(201);
    const user = await em().findOneOrFail(User, { username: input.username });
    const [job] = await em().execute<{ id: string }[]>(
      `select id from jobs where name = ? and payload->>'userId' = ?`,
      [WELCOME_MAIL, String(user.id)],
    );
    const result = await jobsCli('jobs:run', '--id', job.id);
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout.trim()).to.equal('Ran 1 job: 1 done, 0 to retry, 0 failed.');
    expect(await stateOf(Number(job.id))).to.equal('done');
  });
});
