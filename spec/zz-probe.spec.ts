import { api } from './support/test-env';

describe('probe', () => {
  it('big body', async function () {
    this.timeout(120000);
    for (const n of [5000, 20000, 120000]) {
      const user: Record<string, string> = { email: 'a@example.com', password: 'password123' };
      for (let i = 0; i < n; i += 1) user[`k${i}`] = 'x';
      const body = JSON.stringify({ user });
      let maxLag = 0;
      let last = Date.now();
      const timer = setInterval(() => {
        const now = Date.now();
        maxLag = Math.max(maxLag, now - last - 5);
        last = now;
      }, 5);
      const t = Date.now();
      const res = await api().post('/api/users/login').set('content-type', 'application/json').send(body);
      clearInterval(timer);
      console.log(
        'PROBE',
        n,
        body.length,
        res.status,
        Date.now() - t,
        'ms; max loop lag',
        maxLag,
        JSON.stringify(res.body).slice(0, 100),
      );
    }
  });
});
