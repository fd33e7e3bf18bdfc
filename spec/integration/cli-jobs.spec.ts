import { expect } from 'chai';
import { Job } from '../../src/modules/jobs/job.entity';
import { WELCOME_MAIL } from '../../src/modules/notifications/notification-jobs';
import { User } from '../../src/modules/users/user.entity';
import { onSpecDatabase, runCommand } from '../support/cli';
import { uniqueUserInput } from '../support/factories';
import { type ProcessResult, runTs } from '../support/processes';
import { api, em, testEnvironment } from '../support/test-env';

/** `npm run cli -- jobs:…` run in this process, on the database the spec app uses. */
const jobsCli = (...args: string[]) => runCommand(onSpecDatabase(), ...args);

/** The same, as its own process: what a shell sees (the exit status, one line on stderr). */
function jobsCliProcess(...args: string[]): Promise<ProcessResult> {
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

async function stateOf(id: number): Promise<string | undefined> {
  const rows = await em().execute<{ state: string }[]>('select state from jobs where id = ?', [id]);
  return rows[0]?.state;
}

describe('CLI: jobs', function () {
  // Each command opens the database anew; one is a process of its own (ts-node start-up).
  this.timeout(120_000);
  const name = `spec.cli.${Date.now().toString(36)}`;
  after(async () => {
    await em().execute('delete from jobs where name = ?', [name]);
  });

  it('jobs:list --state failed lists dead letters with their attempts and first line of the last error', async () => {
    const id = await deadLetter(name, 0);
    const result = await jobsCli('jobs:list', '--state', 'failed', '--limit', '500');
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(
      new RegExp(
        `#${id}  failed  ${name.replace(/\./g, '\\.')}  attempts 2/2  finished \\S+  last error: SMTP 451: try again later\\n`,
      ),
    );
    expect(result.stdout).to.not.include('more detail');
  });

  it('jobs:list: newest first, at most --limit, a queued job with when it is due and the default attempts', async () => {
    const older = await deadLetter(name, 0);
    const queued = await em().getRepository(Job).enqueue({ name, payload: {}, delayMs: 3_600_000 });
    const newest = await deadLetter(name, 0);
    const failed = await jobsCli('jobs:list', '--state', 'failed', '--limit', '1');
    expect(failed.code, failed.stderr).to.equal(0);
    expect(failed.stdout).to.match(new RegExp(`^#${newest}  failed  `));
    expect(failed.stdout.trim().split('\n')).to.have.length(1);
    expect(failed.stdout).to.not.include(`#${older} `);

    // No max_attempts of its own: the configured default (JOBS_MAX_ATTEMPTS, 5 here). No error yet.
    const all = await jobsCli('jobs:list', '--state', 'queued', '--limit', '500');
    const line = all.stdout.split('\n').find((text) => text.startsWith(`#${queued} `));
    expect(line).to.match(
      new RegExp(
        `^#${queued}  queued  ${name.replace(/\./g, '\\.')}  attempts 0/5  due \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z$`,
      ),
    );
    const due = new Date((line as string).split('  due ')[1]).getTime();
    expect(due - Date.now()).to.be.within(3_500_000, 3_700_000);
  });

  it('jobs:list says so when nothing matches', async () => {
    const nothing = await jobsCli('jobs:list', '--state', 'active', '--limit', '1');
    expect(nothing.code, nothing.stderr).to.equal(0);
    // Nothing in this suite leaves a job running; a line would start with '#'.
    expect(nothing.stdout).to.equal('No active jobs.\n');
  });

  it('jobs:retry <id> queues a failed job again; a job in another state is one line and exit 1', async () => {
    const id = await deadLetter(name, 0);
    const retried = await jobsCli('jobs:retry', String(id));
    expect(retried.code, retried.stderr).to.equal(0);
    expect(retried.stdout.trim()).to.equal(`Job #${id} queued again.`);
    expect(await stateOf(id)).to.equal('queued');
    const [row] = await em().execute<{ max_attempts: number; finished_at: unknown }[]>(
      'select max_attempts, finished_at from jobs where id = ?',
      [id],
    );
    expect(row).to.deep.equal({ max_attempts: 4, finished_at: null });

    const again = await jobsCli('jobs:retry', String(id));
    expect(again).to.deep.include({
      code: 1,
      stdout: '',
      stderr: `error: job #${id} is queued, not failed: only failed jobs are retried\n`,
    });

    const missing = await jobsCliProcess('jobs:retry', '2000000000');
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.equal('error: no job #2000000000\n');
  });

  it('refuses bad arguments in one line, before opening any database', async () => {
    // A database that cannot answer: a refusal must not need one.
    const nowhere = {
      config: () => ({ ...onSpecDatabase().config(), databaseUrl: 'postgres://nobody@127.0.0.1:1/none' }),
    };
    const refusal = async (...args: string[]) => {
      const { code, stderr } = await runCommand(nowhere, ...args);
      return { code, stderr };
    };
    expect(await refusal('jobs:retry', 'abc')).to.deep.equal({
      code: 1,
      stderr: 'error: <id> must be a positive integer (got "abc")\n',
    });
    expect(await refusal('jobs:retry', '0')).to.deep.equal({
      code: 1,
      stderr: 'error: <id> must be a positive integer (got "0")\n',
    });
    expect(await refusal('jobs:run', '--id', '1.5')).to.deep.equal({
      code: 1,
      stderr: 'error: --id must be a positive integer (got "1.5")\n',
    });
    expect(await refusal('jobs:list', '--state', 'stuck')).to.deep.equal({
      code: 1,
      stderr: 'error: --state must be one of queued, active, done, failed (got "stuck")\n',
    });
    expect(await refusal('jobs:list', '--limit', '-3')).to.deep.equal({
      code: 1,
      stderr: 'error: --limit must be a positive integer (got "-3")\n',
    });
    expect(await refusal('jobs:purge', '--failed', '--older-than-days', '-1')).to.deep.equal({
      code: 1,
      stderr: 'error: --older-than-days must be a whole number of days (got "-1")\n',
    });
    expect(await refusal('jobs:purge', '--done', '--older-than-days', '2.5')).to.deep.equal({
      code: 1,
      stderr: 'error: --older-than-days must be a whole number of days (got "2.5")\n',
    });
    // 0 days is a valid age; deleting is still never a default.
    expect(await refusal('jobs:purge', '--older-than-days', '0')).to.deep.equal({
      code: 1,
      stderr: 'error: say which jobs to delete: --failed and/or --done\n',
    });
    expect(await refusal('jobs:purge')).to.deep.equal({
      code: 1,
      stderr: 'error: say which jobs to delete: --failed and/or --done\n',
    });
  });

  it('jobs:purge --failed --done --older-than-days deletes only the finished jobs that old, failed first', async () => {
    // Whatever older dead letters the suite left go first, so the second run's count is exact.
    await jobsCli('jobs:purge', '--failed', '--older-than-days', '5');
    const old = await deadLetter(name, 10);
    const recent = await deadLetter(name, 1);
    const purged = await jobsCli('jobs:purge', '--failed', '--done', '--older-than-days', '5');
    expect(purged.code, purged.stderr).to.equal(0);
    const [failedLine, doneLine, rest] = purged.stdout.split('\n');
    expect(failedLine).to.equal('Deleted 1 failed job.');
    expect(doneLine).to.match(/^Deleted \d+ done jobs?\.$/);
    expect(rest).to.equal('');
    expect(await stateOf(old)).to.equal(undefined);
    expect(await stateOf(recent)).to.equal('failed');

    const none = await jobsCli('jobs:purge', '--failed', '--older-than-days', '5');
    expect(none.stdout).to.equal('Deleted 0 failed jobs.\n');
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
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout.trim()).to.equal('Ran 1 job: 1 done, 0 to retry, 0 failed.');
    expect(await stateOf(Number(job.id))).to.equal('done');

    const none = await jobsCli('jobs:run', '--id', job.id);
    expect(none.stdout).to.equal('Ran 0 jobs: 0 done, 0 to retry, 0 failed.\n');
  });
});
