import type { Command } from 'commander';
import { createLogger } from '../../logger';
import { JOB_STATES, Job, type JobState } from '../../modules/jobs/job.entity';
import type { CliContext } from '../context';
import { withDatabase } from '../with-database';
import { CliError } from './migrations';

/**
 * `jobs:list`, `jobs:retry <id>`, `jobs:purge --failed`, `jobs:run`: looking after the job queue
 * from a shell (on a server's database; on the embedded one only while no server holds it).
 */
export function registerJobCommands(program: Command, context: CliContext): void {
  program
    .command('jobs:list')
    .description('list jobs, newest first: id, state, name, attempts, due or finished time, last error')
    .option('-s, --state <state>', `only jobs in this state (${JOB_STATES.join(', ')})`, parseState)
    .option('-n, --limit <count>', 'at most this many', parsePositive('--limit'), 50)
    .action(async (options: { state?: JobState; limit: number }) => {
      await withDatabase(context, async (em) => {
        const jobs = await em.getRepository(Job).list({ state: options.state, limit: options.limit });
        if (jobs.length === 0) {
          console.log(options.state ? `No ${options.state} jobs.` : 'No jobs.');
          return;
        }
        const defaultMax = context.config().jobs.maxAttempts;
        for (const job of jobs) {
          const when = job.finishedAt ? `finished ${job.finishedAt.toISOString()}` : `due ${job.runAt.toISOString()}`;
          const error = job.lastError ? `  last error: ${job.lastError.split('\n')[0]}` : '';
          console.log(
            `#${job.id}  ${job.state.padEnd(6)}  ${job.name}  attempts ${job.attempts}/${job.maxAttempts ?? defaultMax}  ${when}${error}`,
          );
        }
      });
    });

  program
    .command('jobs:retry')
    .description('queue a failed (dead-lettered) job again, due now, with a fresh set of attempts')
    .argument('<id>', 'the job id (see jobs:list)', parsePositive('<id>'))
    .action(async (id: number) => {
      await withDatabase(context, async (em) => {
        const outcome = await em.getRepository(Job).retry(id, new Date(), context.config().jobs.maxAttempts);
        if (!outcome.retried) {
          if (outcome.state === undefined) throw new CliError(`no job #${id}`);
          throw new CliError(`job #${id} is ${outcome.state}, not failed: only failed jobs are retried`);
        }
        console.log(`Job #${id} queued again.`);
      });
    });

  program
    .command('jobs:purge')
    .description(
      'delete failed (dead-lettered) jobs, or with --done finished ones (the cleanup does that on a schedule)',
    )
    .option('--failed', 'delete failed jobs')
    .option('--done', 'delete done jobs')
    .option('--older-than-days <days>', 'only those that finished more than this many days ago', parseNonNegative, 0)
    .action(async (options: { failed?: boolean; done?: boolean; olderThanDays: number }) => {
      const states = [...(options.failed ? (['failed'] as const) : []), ...(options.done ? (['done'] as const) : [])];
      // Deleting is never a default: the command says which finished jobs go.
      if (states.length === 0) throw new CliError('say which jobs to delete: --failed and/or --done');
      await withDatabase(context, async (em) => {
        const before = new Date(Date.now() - options.olderThanDays * 86_400_000);
        for (const state of states) {
          const deleted = await em.getRepository(Job).deleteFinished(state, before);
          console.log(`Deleted ${deleted} ${state} job${deleted === 1 ? '' : 's'}.`);
        }
      });
    });

  program
    .command('jobs:run')
    .description('run due jobs now, in this process, until none is left (or only the job --id)')
    .option('--id <id>', 'run only this job (if it is due)', parsePositive('--id'))
    .action(async (options: { id?: number }) => {
      await withDatabase(context, async (_em, database) => {
        const config = context.config();
        const { createJobRuntime } = await import('../../jobs');
        const logger = createLogger({ logLevel: config.logLevel === 'silent' ? 'silent' : 'warn' });
        const jobs = createJobRuntime({ config, logger, orm: database.orm });
        try {
          const summary = await jobs.worker.drain({ ids: options.id === undefined ? undefined : [options.id] });
          console.log(
            `Ran ${summary.claimed} job${summary.claimed === 1 ? '' : 's'}: ${summary.done} done, ` +
              `${summary.retried} to retry, ${summary.failed} failed.`,
          );
        } finally {
          jobs.mailer.close();
        }
      });
    });
}

function parseState(value: string): JobState {
  if (!(JOB_STATES as readonly string[]).includes(value)) {
    throw new CliError(`--state must be one of ${JOB_STATES.join(', ')} (got "${value}")`);
  }
  return value as JobState;
}

function parsePositive(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < 1)
      throw new CliError(`${name} must be a positive integer (got "${value}")`);
    return parsed;
  };
}

function parseNonNegative(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) {
    throw new CliError(`--older-than-days must be a whole number of days (got "${value}")`);
  }
  return parsed;
}
