import { expect } from 'chai';
import { sizeThreadPool, threadPoolSize } from '../../src/thread-pool';

describe('threadPoolSize (libuv threads for argon2, sized to the CPUs)', () => {
  it('matches the CPUs between 2 and libuv’s default of 4', () => {
    expect([1, 2, 3, 4, 8, 64].map((cpus) => threadPoolSize({}, cpus))).to.deep.equal(['2', '2', '3', '4', '4', '4']);
  });

  it('leaves an operator’s UV_THREADPOOL_SIZE alone', () => {
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '16' }, 2)).to.equal(undefined);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: ' ' }, 2), 'blank is unset').to.equal('2');
  });

  describe('sizeThreadPool (this process)', () => {
    const before = process.env.UV_THREADPOOL_SIZE;
    afterEach(() => {
      if (before === undefined) delete process.env.UV_THREADPOOL_SIZE;
      else process.env.UV_THREADPOOL_SIZE = before;
    });

    it('sets UV_THREADPOOL_SIZE from the CPUs when the operator did not', () => {
      delete process.env.UV_THREADPOOL_SIZE;
      sizeThreadPool();
      expect(process.env.UV_THREADPOOL_SIZE).to.match(/^[234]$/);
    });

    it('keeps the operator’s value', () => {
      process.env.UV_THREADPOOL_SIZE = '7';
      sizeThreadPool();
      expect(process.env.UV_THREADPOOL_SIZE).to.equal('7');
    });
  });
});
