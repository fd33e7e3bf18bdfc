import { expect } from 'chai';
import { DatabaseStartupError, waitForDatabase } from '../../src/db/wait-for-database';
import type { Logger } from '../../src/logger';

describe('waitForDatabase', () => {
  it('retries a refused connection with backoff until the time is up, then fails in one line without the password', async () => {
    const attempts: Array<Record<string, unknown>> = [];
    const logger = {
      warn: (fields: Record<string, unknown>) => attempts.push(fields),
      info: () => {},
    } as unknown as Logger;
    const started = Date.now();
    // Port 9 (discard) has nothing listening on a normal machine: connection refused at once.
    const error = await waitForDatabase('postgres://app:s3cret@127.0.0.1:9/conduit', {
      timeoutMs: 800,
      attemptTimeoutMs: 500,
      logger,
    }).then(
      () => expect.fail('should not connect'),
      (failure: Error) => failure,
    );
    expect(Date.now() - started).to.be.within(750, 2000);
    expect(error).to.be.instanceOf(DatabaseStartupError);
    expect(error.message).to.not.include('\n');
    expect(error.message).to.not.include('s3cret');
    expect(error.message).to.include('postgres://app:***@127.0.0.1:9/conduit').and.include('DATABASE_URL');
    // 250 ms, then doubled, the last one cut to what is left of the 800 ms.
    const waits = attempts.map((attempt) => Number(attempt.retryInMs));
    expect(waits.slice(0, 2)).to.deep.equal([250, 500]);
    expect(waits.slice(2).every((wait) => wait < 1000)).to.equal(true);
    for (const attempt of attempts)
      expect(attempt).to.include({ database: 'postgres://app:***@127.0.0.1:9/conduit', reason: 'ECONNREFUSED' });
  });
});
