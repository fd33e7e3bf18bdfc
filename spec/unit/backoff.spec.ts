import { expect } from 'chai';
import { retryDelayMs } from '../../src/modules/jobs/backoff';

describe('retryDelayMs (exponential backoff with equal jitter)', () => {
  it('doubles per attempt from the base delay', () => {
    const top = () => 1; // the jitter's upper end: the whole exponential delay
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(attempt, 1000, 3_600_000, top))).to.deep.equal([
      1000, 2000, 4000, 8000, 16_000,
    ]);
  });

  it('never waits more than the cap', () => {
    expect(retryDelayMs(30, 1000, 60_000, () => 1)).to.equal(60_000);
    expect(retryDelayMs(1000, 1000, 60_000, () => 1)).to.equal(60_000);
  });

  it('spreads retries between half of the delay and all of it', () => {
    expect(retryDelayMs(3, 1000, 3_600_000, () => 0)).to.equal(2000);
    expect(retryDelayMs(3, 1000, 3_600_000, () => 0.5)).to.equal(3000);
    const delays = Array.from({ length: 200 }, () => retryDelayMs(3, 1000, 3_600_000));
    expect(Math.min(...delays)).to.be.at.least(2000);
    expect(Math.max(...delays)).to.be.at.most(4000);
    expect(new Set(delays).size, 'jittered, not all equal').to.be.above(50);
  });
});
