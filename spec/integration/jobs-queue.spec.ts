import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import type { JobSettings } from '../../src/config/config';
import { createLogger, type Logger } from '../../src/logger';
import { retryDelayMs } from '../../src/modules/jobs/backoff';
import { CLEANUP, type CleanupTask, cleanupHandler, finishedJobsCleanup } from '../../src/modules/jobs/cleanup';
import { Job, type JobState } from '../../src/modules/jobs/job.entity';
import { claimQuery, type JobRequest } from '../../src/modules/jobs/job.repository';
import { type JobHandler, JobWorker } from '../../src/modules/jobs/worker';
import { capturingLogger, LEVEL } from '../support/log-capture';
import { em, testEnvironment } from '../support/test-env';

const SETTINGS: JobSettings = {
  workerInProcess: false,
  pollIntervalMs: 20,
  concurrency: 4,
  maxAttempts: 3,
  retryBaseMs: 1000,
  retryMaxMs: 60_000,
  timeoutMs: 300,
  leaseMs: 2000,
  retentionDays: 7,
  cleanupIntervalMs: 3_600_000,
};

const silent = createLogger({ logLevel: 'silent' });

/** A clock the spec moves forward instead of waiting. */
class Clock {
  now = new Date();
  advance(ms: number) {
    this.now = new Date(this.now.getTime() + ms);
  }
}

function worker(
  handlers: JobHandler<never>[],
  options: { clock?: Clock; settings?: Partial<JobSettings>; id?: string; logger?: Logger; orm?: MikroORM } = {},
) {
  const clock = options.clock ?? new Clock();
  return new JobWorker({
    orm: options.orm ?? testEnvironment().database.orm,
    logger: options.logger ?? silent,
    settings: { ...SETTINGS, ...options.settings },
    handlers,
    clock: () => clock.now,
    random: () => 0.5,
    id: options.id,
  });
}

/** A job name of this spec alone, so other specs' jobs are never run here. */
const uniqueName = (what: string) => `spec.${what}.${randomBytes(4).toString('hex')}`;

async function enqueue(request: JobRequest): Promise<number> {
  const id = await em().getRepository(Job).enqueue(request);
  if (id === undefined) throw new Error('not enqueued');
  return id;
}

async function row(id: number) {
  const [found] = await em().execute<
    {
      state: JobState;
      attempts: number;
      run_at: Date;
      last_error: string | null;
      locked_by: string | null;
      finished_at: Date | null;
      payload: Record<string, unknown>;
    }[]
  >('select state, attempts, run_at, last_error, locked_by, finished_at, payload from jobs where id = ?', [id]);
  // Raw rows carry timestamps as text.
  return {
    ...found,
    run_at: new Date(found.run_at),
    finished_at: found.finished_at === null ? null : new Date(found.finished_at),
  };
}

/** Queued rows of the test's own jobs are due by database time; the spec clock starts a little later. */
const later = () => {
  const clock = new Clock();
  clock.advance(1000);
  return clock;
};

describe('job queue', () => {
  // The jobs of this spec (all named spec.*) would otherwise wait for any worker of later specs.
  after(async () => {
    await em().execute(`delete from jobs where name like 'spec.%'`);
  });

  describe('running a job', () => {
    it('runs a due job once with its payload and marks it done', async () => {
      const name = uniqueName('once');
      const seen: unknown[] = [];
      const id = await enqueue({ name, payload: { n: 1 } });
      const summary = await worker([{ name, run: async (payload) => void seen.push(payload) }], {
        clock: later(),
      }).runOnce({ ids: [id] });
      expect(summary).to.include({ claimed: 1, done: 1 });
      expect(seen).to.deep.equal([{ n: 1 }]);
      const done = await row(id);
      expect(done.state).to.equal('done');
      expect(done.attempts).to.equal(1);
      expect(done.locked_by).to.equal(null);
      expect(done.finished_at).to.be.instanceOf(Date);
    });

    it('does not run a job before its run_at (a delayed job)', async () => {
      const name = uniqueName('delayed');
      const id = await enqueue({ name, payload: {}, delayMs: 60_000 });
      const clock = later();
      const delayed = worker([{ name, run: async () => {} }], { clock });
      expect((await delayed.runOnce({ ids: [id] })).claimed).to.equal(0);
      clock.advance(60_000);
      expect((await delayed.runOnce({ ids: [id] })).done).to.equal(1);
    });
  });

  describe('retries', () => {
    it('retries a failed attempt after an exponential backoff with jitter, then succeeds', async () => {
      const name = uniqueName('flaky');
      let calls = 0;
      const flaky: JobHandler = {
        name,
        async run() {
          calls += 1;
          if (calls <= 2) throw new Error(`SMTP said no (${calls})`);
        },
      };
      const id = await enqueue({ name, payload: {} });
      const clock = later();
      const flakyWorker = worker([flaky], { clock });

      expect(await flakyWorker.runOnce({ ids: [id] })).to.include({ claimed: 1, retried: 1 });
      let queued = await row(id);
      expect(queued.state).to.equal('queued');
      expect(queued.last_error).to.equal('SMTP said no (1)');
      // Attempt 1 failed: base 1 s, jitter 0.5 → 750 ms after the failure.
      expect(queued.run_at.getTime() - clock.now.getTime()).to.equal(retryDelayMs(1, 1000, 60_000, () => 0.5));
      expect((await flakyWorker.runOnce({ ids: [id] })).claimed, 'not due before its backoff').to.equal(0);

      clock.advance(750);
      expect(await flakyWorker.runOnce({ ids: [id] })).to.include({ claimed: 1, retried: 1 });
      queued = await row(id);
      // Attempt 2 failed: doubled, 1,500 ms.
      expect(queued.run_at.getTime() - clock.now.getTime()).to.equal(1500);

      clock.advance(1500);
      expect(await flakyWorker.runOnce({ ids: [id] })).to.include({ claimed: 1, done: 1 });
      expect((await row(id)).state).to.equal('done');
      expect(calls).to.equal(3);
    });

    it('dead-letters a job (state failed, last error kept) when its last attempt fails', async () => {
      const name = uniqueName('doomed');
      const id = await enqueue({ name, payload: {}, maxAttempts: 2 });
      const clock = later();
      const doomed = worker(
        [
          {
            name,
            run: async () => {
              throw new Error('mailbox unavailable');
            },
          },
        ],
        { clock },
      );
      expect((await doomed.runOnce({ ids: [id] })).retried).to.equal(1);
      clock.advance(60_000);
      expect((await doomed.runOnce({ ids: [id] })).failed).to.equal(1);
      const dead = await row(id);
      expect(dead).to.include({ state: 'failed', attempts: 2, last_error: 'mailbox unavailable' });
      expect(dead.finished_at).to.be.instanceOf(Date);
      clock.advance(3_600_000);
      expect((await doomed.runOnce({ ids: [id] })).claimed, 'a dead letter is never claimed').to.equal(0);
    });

    it('uses JOBS_MAX_ATTEMPTS for a job enqueued without its own limit', async () => {
      const name = uniqueName('default-max');
      const id = await enqueue({ name, payload: {} });
      const clock = later();
      const failing = worker([{ name, run: () => Promise.reject(new Error('no')) }], {
        clock,
        settings: { maxAttempts: 1 },
      });
      expect((await failing.runOnce({ ids: [id] })).failed).to.equal(1);
      expect((await row(id)).state).to.equal('failed');
    });

    it('fails a job with no handler for its name (and retries it: a newer worker may know it)', async () => {
      const id = await enqueue({ name: uniqueName('unknown'), payload: {} });
      expect((await worker([], { clock: later() }).runOnce({ ids: [id] })).retried).to.equal(1);
      expect((await row(id)).last_error).to.match(/^no handler for jobs named "spec\.unknown\./);
    });
  });

  describe('timeouts and leases', () => {
    it('fails an attempt that runs longer than the timeout and aborts its signal', async () => {
      const name = uniqueName('slow');
      let aborted = false;
      const id = await enqueue({ name, payload: {} });
      const summary = await worker(
        [
          {
            name,
            run: (_payload, { signal }) =>
              new Promise<void>((resolve) => {
                signal.addEventListener('abort', () => {
                  aborted = true;
                  resolve();
                });
              }),
          },
        ],
        { clock: later(), settings: { timeoutMs: 100 } },
      ).runOnce({ ids: [id] });
      expect(summary.retried).to.equal(1);
      expect(aborted).to.equal(true);
      expect((await row(id)).last_error).to.equal('timed out after 100 ms');
    });

    it('queues again the job of a worker that died once its lease has run out', async () => {
      const name = uniqueName('orphan');
      const id = await enqueue({ name, payload: {} });
      const clock = later();
      // A worker claims it and dies: nothing ever completes or fails it.
      const [claimed] = await em()
        .getRepository(Job)
        .claim({
          workerId: 'dead-worker',
          now: clock.now,
          leaseMs: SETTINGS.leaseMs,
          limit: 1,
          defaultMaxAttempts: 3,
          ids: [id],
        });
      expect(claimed.id).to.equal(id);

      const survivor = worker([{ name, run: async () => {} }], { clock });
      expect((await survivor.runOnce({ ids: [id] })).claimed, 'still leased').to.equal(0);
      clock.advance(SETTINGS.leaseMs + 1);
      expect(await survivor.runOnce({ ids: [id] })).to.include({ claimed: 1, done: 1 });
      const done = await row(id);
      expect(done).to.include({ state: 'done', attempts: 2 });
      expect(done.last_error).to.match(/^lease expired/);
    });

    it('a late completion by a worker whose lease was taken over changes nothing', async () => {
      const id = await enqueue({ name: uniqueName('late'), payload: {}, maxAttempts: 1 });
      const clock = later();
      const repository = em().getRepository(Job);
      await repository.claim({
        workerId: 'slow-worker',
        now: clock.now,
        leaseMs: 10,
        limit: 1,
        defaultMaxAttempts: 3,
        ids: [id],
      });
      clock.advance(1000);
      // Its last attempt's lease ran out: dead-lettered.
      await repository.reclaimExpired(clock.now, 3);
      expect((await row(id)).state).to.equal('failed');
      expect(await repository.complete(id, 'slow-worker', clock.now)).to.equal(false);
      expect((await row(id)).state).to.equal('failed');
    });
  });

  describe('concurrency', () => {
    it('two workers claiming at once never run the same job (SKIP LOCKED)', async () => {
      const name = uniqueName('shared');
      const runs = new Map<number, string[]>();
      const handler = (workerName: string): JobHandler => ({
        name,
        async run(_payload, { job }) {
          runs.set(job.id, [...(runs.get(job.id) ?? []), workerName]);
          await new Promise((resolve) => setTimeout(resolve, 10));
        },
      });
      const ids: number[] = [];
      for (let i = 0; i < 12; i++) ids.push(await enqueue({ name, payload: { i } }));
      const clock = later();
      const a = worker([handler('a')], { clock, id: 'a' });
      const b = worker([handler('b')], { clock, id: 'b' });
      const [fromA, fromB] = await Promise.all([a.drain({ ids }), b.drain({ ids })]);
      expect(fromA.done + fromB.done).to.equal(12);
      expect(
        [...runs.values()].every((by) => by.length === 1),
        JSON.stringify([...runs]),
      ).to.equal(true);
      expect(runs.size).to.equal(12);
    });
  });

  describe('singleton jobs', () => {
    it('queues one job per key while one waits (onConflict ignore)', async () => {
      const key = uniqueName('key');
      const request: JobRequest = {
        name: 'spec.singleton',
        payload: {},
        delayMs: 60_000,
        singleton: { key, onConflict: 'ignore' },
      };
      await enqueue(request);
      expect(await em().getRepository(Job).enqueue(request), 'ignored').to.equal(undefined);
      const [{ n }] = await em().execute<{ n: number }[]>(
        'select count(*)::int as n from jobs where singleton_key = ?',
        [key],
      );
      expect(n).to.equal(1);
    });

    it('appends the items of a batched job to the one that waits, and starts a new batch once it was claimed', async () => {
      const name = uniqueName('batch');
      const key = uniqueName('batch-key');
      const request = (item: number): JobRequest => ({
        name,
        payload: { items: [item] },
        singleton: { key, onConflict: 'batch' },
      });
      const first = await enqueue(request(1));
      expect(await enqueue(request(2))).to.equal(first);
      expect(await enqueue(request(3))).to.equal(first);
      expect((await row(first)).payload).to.deep.equal({ items: [1, 2, 3] });

      // Claimed (running or retrying): the next item starts the next batch.
      const seen: unknown[] = [];
      await worker([{ name, run: async (payload) => void seen.push(payload) }], { clock: later() }).runOnce({
        ids: [first],
      });
      const second = await enqueue(request(4));
      expect(second).to.not.equal(first);
      expect(seen).to.deep.equal([{ items: [1, 2, 3] }]);
      expect((await row(second)).payload).to.deep.equal({ items: [4] });
    });

    it('a retry waiting for its backoff does not block the next fresh job of its key', async () => {
      const name = uniqueName('retrying-singleton');
      const key = uniqueName('retry-key');
      const request: JobRequest = { name, payload: { items: [1] }, singleton: { key, onConflict: 'batch' } };
      const first = await enqueue(request);
      await worker([{ name, run: () => Promise.reject(new Error('later')) }], { clock: later() }).runOnce({
        ids: [first],
      });
      expect((await row(first)).state).to.equal('queued');
      const second = await enqueue(request);
      expect(second).to.not.equal(first);
    });
  });

  describe('graceful shutdown', () => {
    it('finishes the jobs in hand within the grace period', async () => {
      const { logger, lines } = capturingLogger();
      const name = uniqueName('finishing');
      const id = await enqueue({ name, payload: {} });
      let started!: () => void;
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      const finishing = worker(
        [
          {
            name,
            async run() {
              started();
              await new Promise((resolve) => setTimeout(resolve, 100));
            },
          },
        ],
        { clock: later(), logger },
      );
      finishing.start();
      await running;
      expect(await finishing.stop(5000)).to.deep.equal({ released: 0 });
      expect(
        lines.filter((line) => line.msg.includes('grace period')),
        'nothing given back',
      ).to.deep.equal([]);
      expect((await row(id)).state).to.equal('done');
    });

    it('gives back (queued, due now) the jobs still running at the end of the grace period, and says which', async () => {
      const { logger, lines } = capturingLogger();
      const name = uniqueName('stuck');
      const id = await enqueue({ name, payload: {} });
      let started!: () => void;
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      const stuck = worker(
        [
          {
            name,
            run: (_payload, { signal }) =>
              new Promise<void>((resolve) => {
                started();
                signal.addEventListener('abort', () => resolve());
              }),
          },
        ],
        { clock: later(), settings: { timeoutMs: 10_000, leaseMs: 20_000 }, logger },
      );
      stuck.start();
      await running;
      expect(await stuck.stop(50)).to.deep.equal({ released: 1 });
      const given = lines.filter(
        (line) => line.msg === 'jobs still running at the end of the grace period given back to the queue',
      );
      expect(given.map((line) => [line.level, line.jobs])).to.deep.equal([[LEVEL.warn, [id]]]);
      const released = await row(id);
      expect(released).to.include({ state: 'queued', locked_by: null });
    });
  });

  describe('what the worker logs', () => {
    /** The lines about these jobs, as [level, message]. */
    const about = (lines: { level: number; msg: string; job?: unknown }[], ids: number[]) =>
      lines.filter((line) => ids.includes(line.job as number)).map((line) => [line.level, line.msg]);

    it('each outcome, on a line naming the job, its name and attempt: done, a retry, a dead letter', async () => {
      const { logger, lines } = capturingLogger();
      const name = uniqueName('logged');
      const done = await enqueue({ name, payload: { fail: false } });
      const retried = await enqueue({ name, payload: { fail: true }, maxAttempts: 2 });
      const dead = await enqueue({ name, payload: { fail: true }, maxAttempts: 1 });
      const failing = worker(
        [
          {
            name,
            run: async (payload: { fail: boolean }) => {
              if (payload.fail) throw new Error('nope');
            },
          },
        ],
        { clock: later(), logger },
      );
      await failing.runOnce({ ids: [done, retried, dead] });
      expect(about(lines, [done])).to.deep.equal([[LEVEL.info, 'job done']]);
      expect(about(lines, [retried])).to.deep.equal([[LEVEL.warn, 'job attempt failed; retrying later']]);
      expect(about(lines, [dead])).to.deep.equal([[LEVEL.error, 'job failed on its last attempt: dead-lettered']]);
      const retry = lines.find((line) => line.job === retried);
      expect(retry).to.include({ jobName: name, attempt: 1, err: 'nope' });
      expect(new Date(retry?.retryAt as string).getTime()).to.be.above(Date.now());
      const deadLine = lines.find((line) => line.job === dead);
      expect(deadLine).to.include({ maxAttempts: 1 });
      expect(deadLine?.err).to.deep.include({ message: 'nope' });
    });

    it('one warning for the jobs queued again after their worker stopped answering, none when there are none', async () => {
      const { logger, lines } = capturingLogger();
      const name = uniqueName('reclaimed');
      const id = await enqueue({ name, payload: {} });
      const clock = later();
      await em()
        .getRepository(Job)
        .claim({
          workerId: 'gone',
          now: clock.now,
          leaseMs: 10,
          limit: 1,
          defaultMaxAttempts: 3,
          ids: [id],
        });
      const survivor = worker([{ name, run: async () => {} }], { clock, logger });
      await survivor.runOnce({ ids: [id] });
      expect(lines.filter((line) => line.msg.startsWith('jobs whose worker'))).to.deep.equal([]);
      clock.advance(1000);
      await survivor.runOnce({ ids: [id] });
      const warnings = lines.filter((line) => line.msg === 'jobs whose worker stopped answering queued again');
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.include({ level: LEVEL.warn });
      expect(warnings[0].jobs).to.be.at.least(1);
    });
  });

  describe('timeouts of a handler', () => {
    async function attemptTimedOutAfter(handlerTimeoutMs: number, settingsTimeoutMs: number) {
      const name = uniqueName('timeout');
      const id = await enqueue({ name, payload: {} });
      await worker(
        [
          {
            name,
            timeoutMs: handlerTimeoutMs,
            run: (_payload, { signal }) =>
              new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
          },
        ],
        { clock: later(), settings: { timeoutMs: settingsTimeoutMs } },
      ).runOnce({ ids: [id] });
      return (await row(id)).last_error;
    }

    it("honours a handler's shorter timeout, and caps a longer one at JOBS_TIMEOUT_MS", async () => {
      expect(await attemptTimedOutAfter(50, 300)).to.equal('timed out after 50 ms');
      expect(await attemptTimedOutAfter(10_000, 150)).to.equal('timed out after 150 ms');
    });
  });

  describe('drain', () => {
    it('claims nothing when the time left would not cover one more attempt (JOBS_TIMEOUT_MS + 1 s)', async () => {
      const name = uniqueName('short-of-time');
      const id = await enqueue({ name, payload: {} });
      const draining = worker([{ name, run: async () => {} }], { clock: later(), settings: { timeoutMs: 300 } });
      const tooShort = await draining.drain({ ids: [id], remainingMs: () => 1300 });
      expect(tooShort.claimed).to.equal(0);
      expect((await row(id)).state).to.equal('queued');
      const enough = await draining.drain({ ids: [id], remainingMs: () => 1301 });
      expect(enough).to.include({ claimed: 1, done: 1 });
    });
  });

  describe('polling', () => {
    it('goes on at once while rounds come back full, and waits JOBS_POLL_INTERVAL_MS only after one that was not', async () => {
      const name = uniqueName('full-rounds');
      const ids = [];
      for (let i = 0; i < 5; i += 1) ids.push(await enqueue({ name, payload: {} }));
      const ran: number[] = [];
      const polling = worker([{ name, run: async (_payload, { job }) => void ran.push(job.id) }], {
        clock: later(),
        settings: { concurrency: 2, pollIntervalMs: 60_000 },
      });
      polling.start();
      const deadline = Date.now() + 5000;
      while (ran.length < 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      await polling.stop(1000);
      expect(ran.sort()).to.deep.equal(ids.sort());
    });

    it('keeps trying through a database outage, more slowly: one error line, then one line when it is back', async () => {
      const { logger, lines } = capturingLogger();
      const orm = testEnvironment().database.orm;
      let outage = true;
      let attempts = 0;
      // The worker's one way to the database is em.fork(): during the "outage" it throws, like a refused connection.
      const flaky = {
        em: {
          fork: () => {
            attempts += 1;
            if (outage) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
            return orm.em.fork();
          },
        },
      } as unknown as MikroORM;
      const polling = worker([], { clock: later(), orm: flaky, logger, settings: { pollIntervalMs: 20 } });
      polling.start();
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Waits of 40, 80, 160 ms after the first failures (doubling from 20 ms): about 4 attempts in 300 ms, not hundreds.
      expect(attempts).to.be.within(2, 6);
      outage = false;
      const deadline = Date.now() + 2000;
      while (!lines.some((line) => line.msg === 'job worker reaches the database again') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await polling.stop(1000);
      // (Lines about jobs are left out: once back, the worker may claim what other specs left due.)
      const outageLines = lines.filter((line) => line.msg.startsWith('job worker'));
      expect(outageLines.map((line) => [line.level, line.msg])).to.deep.equal([
        [LEVEL.error, 'job worker cannot reach the database; retrying'],
        [LEVEL.info, 'job worker reaches the database again'],
      ]);
      expect(outageLines[0].err).to.deep.include({ message: 'connect ECONNREFUSED 127.0.0.1:5432' });
    });
  });

  describe('scheduled cleanup', () => {
    it('keeps one cleanup job waiting per schedule, however many workers check', async () => {
      const name = uniqueName('scheduled');
      const make = () =>
        new JobWorker({
          orm: testEnvironment().database.orm,
          logger: silent,
          settings: SETTINGS,
          handlers: [],
          schedules: [{ name, everyMs: 60_000 }],
        });
      await Promise.all([make().ensureSchedules(), make().ensureSchedules(), make().ensureSchedules()]);
      const rows = await em().execute<{ state: string; delay_s: number }[]>(
        `select state, extract(epoch from run_at - created_at)::int as delay_s from jobs where name = ?`,
        [name],
      );
      expect(rows).to.deep.equal([{ state: 'queued', delay_s: 60 }]);
    });

    it('deletes done jobs older than the retention, and keeps newer ones and dead letters', async () => {
      const name = uniqueName('old');
      const ids = [
        await enqueue({ name, payload: { age: 'old done' } }),
        await enqueue({ name, payload: { age: 'new done' } }),
        await enqueue({ name, payload: { age: 'old failed' } }),
      ];
      await em().execute(
        `update jobs set state = case when payload->>'age' = 'old failed' then 'failed' else 'done' end,
                         finished_at = case when payload->>'age' = 'new done' then now() - interval '6 days' else now() - interval '8 days' end
          where id in (?, ?, ?)`,
        ids,
      );
      const removed = await finishedJobsCleanup(7).run(em(), new Date());
      expect(removed).to.be.at.least(1);
      const left = await em().execute<{ age: string }[]>(
        `select payload->>'age' as age from jobs where name = ? order by id`,
        [name],
      );
      expect(left.map((r) => r.age)).to.deep.equal(['new done', 'old failed']);
    });

    it('runs every cleanup task, even after one fails, then fails naming it (to be retried), logging each', async () => {
      const { logger, lines } = capturingLogger();
      const ran: string[] = [];
      const tasks: CleanupTask[] = [
        { name: 'first', run: async () => ran.push('first') },
        {
          name: 'broken',
          run: async () => {
            throw new Error('boom');
          },
        },
        { name: 'last', run: async () => ran.push('last') },
      ];
      const handler = cleanupHandler(tasks);
      expect(handler.name).to.equal(CLEANUP);
      let failure: unknown;
      try {
        await handler.run(
          {},
          {
            job: { id: 0, name: CLEANUP, payload: {}, attempt: 1, maxAttempts: 1 },
            em: em(),
            signal: new AbortController().signal,
            logger,
            now: new Date(),
          },
        );
      } catch (error) {
        failure = error;
      }
      expect(ran).to.deep.equal(['first', 'last']);
      expect(String(failure)).to.equal('Error: cleanup tasks failed: broken: boom');
      expect(lines.map((line) => [line.level, line.task, line.msg, line.removed])).to.deep.equal([
        [LEVEL.info, 'first', 'cleanup task done', 1],
        [LEVEL.error, 'broken', 'cleanup task failed', undefined],
        [LEVEL.info, 'last', 'cleanup task done', 2],
      ]);
      expect(lines[1].err).to.deep.include({ message: 'boom' });
    });

    it('succeeds when every task does, and names the finished-jobs task', async () => {
      const handler = cleanupHandler([{ name: 'only', run: async () => 0 }]);
      await handler.run(
        {},
        {
          job: { id: 0, name: CLEANUP, payload: {}, attempt: 1, maxAttempts: 1 },
          em: em(),
          signal: new AbortController().signal,
          logger: silent,
          now: new Date(),
        },
      );
      expect(finishedJobsCleanup(7).name).to.equal('finished jobs');
    });
  });

  describe('indexes', () => {
    const run = uniqueName('plan');
    before(async function () {
      this.timeout(120_000);
      // Many finished jobs and a few queued ones, as a queue in steady state looks.
      await em().execute(
        `insert into jobs (name, payload, state, attempts, finished_at, run_at)
         select ?, '{}'::jsonb, 'done', 1, now(), now() - i * interval '1 second' from generate_series(1, 5000) as i`,
        [run],
      );
      await em().execute(
        `insert into jobs (name, payload, run_at) select ?, '{}'::jsonb, now() + i * interval '1 minute' from generate_series(1, 20) as i`,
        [run],
      );
      await em().execute('analyze jobs');
    });
    after(async () => {
      await em().execute('delete from jobs where name = ?', [run]);
    });

    it('claims through the partial index of queued jobs (jobs_queued_run_at_index), not a scan', async () => {
      const { text, values } = claimQuery({
        workerId: 'explain',
        now: new Date(),
        leaseMs: 1000,
        limit: 4,
        defaultMaxAttempts: 3,
      });
      const plan = await em().execute<{ 'QUERY PLAN': string }[]>(`explain ${text}`, values);
      const lines = plan.map((line) => line['QUERY PLAN']).join('\n');
      expect(lines).to.include('jobs_queued_run_at_index');
      expect(lines).to.not.match(/Seq Scan on jobs/);
    });
  });
});
