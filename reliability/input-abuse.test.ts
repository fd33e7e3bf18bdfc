import { expect } from 'chai';
import { percentile, recordFigures } from './support/figures';
import { type Reply, registerUser, request } from './support/http-client';
import { sleep, unhandledErrors } from './support/server-process';
import { scratchDatabase, startProxy, startServerBehind } from './support/suite';

/**
 * Issue 7, items 9 and 11, against a real server process and PostgreSQL server: an article deleted
 * while others comment on it and favorite it, and hostile JSON bodies sent while ordinary
 * requests are being served.
 */
describe('input scenarios', () => {
  it('comments and favorites racing their article delete: 201/200 or 404, never 500, no orphan rows', async () => {
    const proxy = await startProxy();
    const { server, port } = await startServerBehind(proxy, { DB_POOL_MAX: '10' });
    const author = await registerUser(port, `race_author${process.pid}`);
    const readers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => registerUser(port, `race_reader${process.pid}_${i}`)),
    );

    const statuses: Record<string, number> = {};
    const count = (reply: Reply) => {
      statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
    };
    const rounds = 8;
    for (let round = 0; round < rounds; round++) {
      const created = await request(port, {
        method: 'POST',
        path: '/api/articles',
        token: author,
        body: { article: { title: `race ${round} ${process.pid}`, description: 'd', body: 'b' } },
      });
      expect(created.status).to.equal(201);
      const { slug } = (JSON.parse(created.body) as { article: { slug: string } }).article;
      // Every reader keeps commenting and favoriting until the article is gone (404); the delete
      // lands while they are at it.
      const reader = async (token: string, i: number) => {
        for (let n = 0; n < 200; n++) {
          const reply =
            n % 3 === 1
              ? await request(port, { method: 'POST', path: `/api/articles/${slug}/favorite`, token })
              : await request(port, {
                  method: 'POST',
                  path: `/api/articles/${slug}/comments`,
                  token,
                  body: { comment: { body: `comment ${i} ${n}` } },
                });
          count(reply);
          if (reply.status === 404 || reply.status >= 500) return;
        }
      };
      const writers = readers.map(reader);
      await sleep(20 + 10 * (round % 4));
      const deleted = await request(port, { method: 'DELETE', path: `/api/articles/${slug}`, token: author });
      expect(deleted.status).to.equal(204);
      await Promise.all(writers);
    }

    const [orphans] = await scratchDatabase().query<{ comments: number; favorites: number }>(
      `select (select count(*) from comments c where not exists (select 1 from articles a where a.id = c.article_id))::int as comments,
              (select count(*) from favorites f where not exists (select 1 from articles a where a.id = f.article_id))::int as favorites`,
    );
    recordFigures('delete races: 8 rounds, 8 readers commenting and favoriting until their article is deleted', {
      writes: Object.values(statuses).reduce((sum, n) => sum + n, 0),
      byStatus: statuses,
      orphanComments: orphans.comments,
      orphanFavorites: orphans.favorites,
    });
    expect(Object.keys(statuses).sort()).to.satisfy((keys: string[]) =>
      keys.every((key) => ['200', '201', '404'].includes(key)),
    );
    expect(statuses['404'] ?? 0, 'some writes should lose the race').to.be.greaterThan(0);
    expect(orphans).to.deep.equal({ comments: 0, favorites: 0 });
    expect(unhandledErrors(server)).to.deep.equal([]);
  });

  it('hostile bodies (1 MB, 116,000 keys) in flight do not stall ordinary requests', async () => {
    const proxy = await startProxy();
    const { server, port } = await startServerBehind(proxy, { BODY_LIMIT: '1mb' });

    const ordinary = async (durationMs: number) => {
      const times: number[] = [];
      const until = performance.now() + durationMs;
      while (performance.now() < until) times.push((await request(port, { path: '/api/tags' })).ms);
      return times;
    };
    // ~999,999 bytes: {"user":{"k0":0,"k1":0,...}}, the shape that held the event loop 8-12 s.
    const keys: string[] = [];
    for (let i = 0, size = 10; size < 999_000; i++) {
      const entry = `"k${i}":0`;
      keys.push(entry);
      size += entry.length + 1;
    }
    const hostile = `{"user":{${keys.join(',')}}}`;

    const quiet = await ordinary(2000);
    let sending = true;
    const hostileStatuses: number[] = [];
    const hostileTimes: number[] = [];
    const attacker = async () => {
      while (sending) {
        const reply = await rawPost(port, '/api/users/login', hostile);
        hostileStatuses.push(reply.status);
        hostileTimes.push(reply.ms);
      }
    };
    const attackers = [attacker(), attacker()];
    await sleep(200);
    const underAttack = await ordinary(3000);
    sending = false;
    await Promise.all(attackers);

    const figures = {
      hostileBodyBytes: hostile.length,
      hostileKeys: keys.length,
      quietRequests: quiet.length,
      quietP99Ms: Math.round(percentile(quiet, 99)),
      underAttackRequests: underAttack.length,
      underAttackP99Ms: Math.round(percentile(underAttack, 99)),
      hostileAnswered: hostileStatuses.length,
      hostileStatuses: [...new Set(hostileStatuses)],
      hostileP50Ms: Math.round(percentile(hostileTimes, 50)),
    };
    recordFigures('abuse: GET /api/tags quiet, then with two clients posting hostile login bodies', figures);
    expect(figures.hostileStatuses).to.deep.equal([422]);
    // Generous for a noisy 2-core machine (230 ms seen while other suites ran); before the fix
    // nothing was answered for seconds.
    expect(figures.underAttackP99Ms).to.be.below(1000);
    expect(figures.underAttackRequests).to.be.greaterThan(50);
    expect(unhandledErrors(server)).to.deep.equal([]);
  });
});

/** A POST with a prepared JSON text (the client's JSON.stringify would cost as much as the server's parse). */
async function rawPost(port: number, path: string, json: string): Promise<Reply> {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: json,
  });
  const body = await response.text();
  return { status: response.status, headers: {}, body, ms: performance.now() - started };
}
