import { expect } from 'chai';
import type { AppConfig } from '../../src/config/config';
import { createJobRuntime } from '../../src/jobs';
import { createWorkerHandler, type WorkerLambdaHandler } from '../../src/lambda-worker';
import { createLogger } from '../../src/logger';
import { noopErrorReporter } from '../../src/observability/error-reporter';
import { uniqueUserInput } from '../support/factories';
import { api, em, testEnvironment } from '../support/test-env';

describe('Lambda worker function (src/lambda-worker.ts)', () => {
  let handler: WorkerLambdaHandler;
  let config: AppConfig;
  let timeoutMs: number;

  before(() => {
    config = testEnvironment().config;
    timeoutMs = config.jobs.timeoutMs;
    // Mails are logged (no SMTP_URL), as on a Lambda deployed without one.
    handler = createWorkerHandler(async () => ({
      jobs: createJobRuntime({
        config,
        logger: createLogger({ logLevel: 'silent' }),
        orm: testEnvironment().database.orm,
      }),
      errorReporter: noopErrorReporter,
    }));
  });

  async function queuedCount(): Promise<number> {
    const [row] = await em().execute<{ n: number }[]>(
      `select count(*)::int as n from jobs where state = 'queued' and run_at <= now()`,
    );
    return row.n;
  }

  it('claims nothing when less than one job timeout (plus a second) is left of the invocation', async () => {
    await api()
      .post('/api/users')
      .send({ user: uniqueUserInput('lambdaw') })
      .expect(201);
    const before = await queuedCount();
    expect(before).to.be.above(0);
    const context = { getRemainingTimeInMillis: () => timeoutMs + 999 };
    expect(await handler({}, context)).to.deep.equal({ claimed: 0, done: 0, retried: 0, failed: 0, released: 0 });
    expect(await queuedCount()).to.equal(before);
  });

  it('drains due jobs round after round while time is left, then stops claiming', async () => {
    await api()
      .post('/api/users')
      .send({ user: uniqueUserInput('lambdaw') })
      .expect(201);
    // Time for two rounds: a Lambda near the end of its limit.
    let checks = 0;
    const context = {
      getRemainingTimeInMillis: () => {
        checks += 1;
        return checks <= 2 ? 60_000 : timeoutMs;
      },
      callbackWaitsForEmptyEventLoop: true,
    };
    const summary = await handler({}, context);
    expect(summary.claimed).to.be.within(1, 2 * config.jobs.concurrency);
    // Every job it claimed ended one way or another: none is left active.
    expect(summary.done + summary.retried + summary.failed).to.equal(summary.claimed);
    expect(summary.done).to.be.at.least(1);
    // Checked before each round; the third check found too little time left (or the queue was empty).
    expect(checks).to.be.within(2, 3);
    expect(context.callbackWaitsForEmptyEventLoop).to.equal(false);
  });
});
