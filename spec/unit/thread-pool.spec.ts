import { expect } from 'chai';
import { threadPoolSize } from '../../src/thread-pool';

describe('threadPoolSize (libuv threads for argon2, sized to the CPUs)', () => {
  it('matches the CPUs between 2 and libuv’s default of 4', () => {
    expect([1, 2, 3, 4, 8, 64].map((cpus) => threadPoolSize({}, cpus))).to.deep.equal(['2', '2', '3', '4', '4', '4']);
  });

  it('leaves an operator’s UV_THREADPOOL_SIZE alone', () => {
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '16' }, 2)).to.equal(undefined);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: ' ' }, 2), 'blank is unset').to.equal('2');
  });
});
