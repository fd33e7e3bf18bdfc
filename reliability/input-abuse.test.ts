/**
 * Issue 7's two input scenarios belong to the input-validation work and land with it:
 * - article delete races: comments and favorites posted while the article is deleted → 404, no
 *   orphan rows (item 11);
 * - the abuse body: normal-request latency while 1 MB / 120,000-key bodies are in flight (item 9).
 * The helpers in ./support (server processes, proxy, load, figures) are meant for them.
 */
describe('input scenarios (owned by the input-validation work)', () => {
  it('article delete races: comments and favorites during a delete are 404, no orphans');
  it('abuse body: normal-request p99 with and without 120,000-key bodies in flight');
});
