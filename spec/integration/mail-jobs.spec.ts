import { expect } from 'chai';
import type { AppConfig } from '../../src/config/config';
import { createJobRuntime, type JobRuntime } from '../../src/jobs';
import { createLogger } from '../../src/logger';
import { COMMENTS_MAIL, WELCOME_MAIL } from '../../src/modules/notifications/notification-jobs';
import { User } from '../../src/modules/users/user.entity';
import { UsersService } from '../../src/modules/users/users.service';
import { authHeader, createArticle, createUser, uniqueUserInput } from '../support/factories';
import { SmtpSink } from '../support/smtp-sink';
import { api, em, testEnvironment } from '../support/test-env';

/**
 * Requests enqueue mail jobs in their own transaction; a worker sends them to a real SMTP server
 * on loopback (smtp-server in this process), and the specs read what arrived. The worker's clock
 * is moved forward instead of waiting for backoffs and batching windows.
 */
describe('mail jobs (request → queue → worker → SMTP)', () => {
  let sink: SmtpSink;
  let jobs: JobRuntime;
  let now: Date;
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };

  before(async () => {
    sink = await SmtpSink.start();
  });
  after(async () => {
    await sink.stop();
  });

  beforeEach(() => {
    sink.refuse(0);
    now = new Date(Date.now() + 1000);
    const base = testEnvironment().config;
    const config: AppConfig = {
      ...base,
      jobs: { ...base.jobs, maxAttempts: 3, retryBaseMs: 1000, retryMaxMs: 10_000, timeoutMs: 5000, leaseMs: 10_000 },
      mail: { ...base.mail, smtpUrl: sink.url, from: 'Conduit <no-reply@conduit.test>' },
    };
    jobs = createJobRuntime({
      config,
      logger: createLogger({ logLevel: 'silent' }),
      orm: testEnvironment().database.orm,
      overrides: { clock: () => now, random: () => 1 },
    });
  });
  afterEach(() => jobs.mailer.close());

  /** The jobs named `name` whose payload has `key` = `value` (only this spec's jobs are run). */
  async function jobIds(name: string, key: string, value: number): Promise<number[]> {
    const rows = await em().execute<{ id: string }[]>(
      `select id from jobs where name = ? and payload->>'${key}' = ? order by id`,
      [name, String(value)],
    );
    return rows.map((row) => Number(row.id));
  }

  async function stateOf(id: number) {
    const [row] = await em().execute<{ state: string; attempts: number; last_error: string | null }[]>(
      'select state, attempts, last_error from jobs where id = ?',
      [id],
    );
    return row;
  }

  async function register() {
    const input = uniqueUserInput('mail');
    await api().post('/api/users').send({ user: input }).expect(201);
    const user = await em().findOneOrFail(User, { username: input.username });
    return { input, user, jobs: await jobIds(WELCOME_MAIL, 'userId', user.id) };
  }

  describe('welcome mail', () => {
    it('POST /api/users queues a welcome mail that arrives with recipient, subject, text and HTML', async () => {
      const { input, jobs: ids } = await register();
      expect(ids).to.have.length(1);
      expect(sink.to(input.email), 'nothing is sent by the request itself').to.deep.equal([]);

      expect(await jobs.worker.drain({ ids })).to.include({ claimed: 1, done: 1 });
      const [mail] = sink.to(input.email);
      expect(mail.to).to.deep.equal([input.email]);
      expect(mail.from).to.equal('no-reply@conduit.test');
      expect(mail.subject).to.equal('Welcome to Conduit');
      expect(mail.text).to.include(`Hello ${input.username},`);
      expect(mail.html).to.include(`<p>Hello ${input.username},</p>`);
      expect((await stateOf(ids[0])).state).to.equal('done');
    });

    it('sends the welcome mail once when its job runs twice', async () => {
      const { input, jobs: ids } = await register();
      await jobs.worker.drain({ ids });
      // As after a crash between the SMTP server's OK and the job's completion.
      await em().execute(`update jobs set state = 'queued', finished_at = null where id = ?`, [ids[0]]);
      expect(await jobs.worker.drain({ ids })).to.include({ claimed: 1, done: 1 });
      expect(sink.to(input.email)).to.have.length(1);
    });

    it('queues no job, and sends no mail, for a registration whose transaction rolls back', async () => {
      const input = uniqueUserInput('rollback');
      let userId = 0;
      const failure = await em()
        .transactional(async (tx) => {
          const user = await new UsersService(tx, tx.getRepository(User)).register(input);
          userId = user.id;
          throw new Error('rolled back after the registration');
        })
        .catch((error: Error) => error);
      expect(String(failure)).to.include('rolled back');
      expect(userId).to.be.above(0);
      expect(await em().count(User, { id: userId })).to.equal(0);
      expect(await jobIds(WELCOME_MAIL, 'userId', userId)).to.deep.equal([]);
      expect(sink.to(input.email)).to.deep.equal([]);
    });

    it('creates no account when its job cannot be queued (500, and nothing written)', async () => {
      const input = uniqueUserInput('nojob');
      await em().execute(`create or replace function spec_refuse_welcome_jobs() returns trigger language plpgsql as $$
        begin raise exception 'the queue refuses this job'; end $$`);
      await em().execute(`create trigger spec_refuse_welcome_jobs before insert on jobs for each row
        when (new.name = 'mail.welcome') execute function spec_refuse_welcome_jobs()`);
      try {
        await api().post('/api/users').send({ user: input }).expect(500);
      } finally {
        await em().execute('drop trigger spec_refuse_welcome_jobs on jobs');
        await em().execute('drop function spec_refuse_welcome_jobs()');
      }
      expect(await em().count(User, { username: input.username })).to.equal(0);
    });
  });

  describe('SMTP failures', () => {
    it('retries after the SMTP server refuses once, then delivers the mail once', async () => {
      sink.refuse(1);
      const { input, jobs: ids } = await register();
      expect(await jobs.worker.drain({ ids })).to.include({ claimed: 1, retried: 1 });
      expect(sink.to(input.email)).to.deep.equal([]);
      const refused = await stateOf(ids[0]);
      expect(refused.state).to.equal('queued');
      expect(refused.last_error).to.include('451');

      // The backoff of a first failure with this jitter: the whole base delay.
      expect(await jobs.worker.drain({ ids }), 'not before the backoff').to.include({ claimed: 0 });
      advance(1000);
      expect(await jobs.worker.drain({ ids })).to.include({ claimed: 1, done: 1 });
      expect(sink.to(input.email)).to.have.length(1);
      expect(await stateOf(ids[0])).to.include({ state: 'done', attempts: 2 });
    });

    it('dead-letters the mail job when the SMTP server keeps refusing', async () => {
      sink.refuse(Number.POSITIVE_INFINITY);
      const { input, jobs: ids } = await register();
      for (let attempt = 1; attempt <= 3; attempt++) {
        await jobs.worker.drain({ ids });
        advance(60_000);
      }
      const dead = await stateOf(ids[0]);
      expect(dead).to.include({ state: 'failed', attempts: 3 });
      expect(dead.last_error).to.include('try again later');
      expect(sink.to(input.email)).to.deep.equal([]);
      expect(await jobs.worker.drain({ ids })).to.include({ claimed: 0 });
    });
  });

  describe('comment notifications', () => {
    const window = () => testEnvironment().config.mail.commentWindowMs;

    async function comment(slug: string, fixture: { token: string }, body: string) {
      await api()
        .post(`/api/articles/${slug}/comments`)
        .set(authHeader(fixture))
        .send({ comment: { body } })
        .expect(201);
    }

    it("mails the article's author once for the comments of a window, escaping them in HTML", async () => {
      const author = await createUser();
      const article = await createArticle(author.user, { title: 'Dragons & <Knights>' });
      const alice = await createUser();
      const bob = await createUser();
      await comment(article.slug, alice, 'First! <script>alert(1)</script>');
      await comment(article.slug, bob, 'Second, with "quotes"\nand a second line');
      await comment(article.slug, author, 'my own reply is no news to me');

      const ids = await jobIds(COMMENTS_MAIL, 'articleId', article.id);
      expect(ids, 'one batched job').to.have.length(1);
      expect(await jobs.worker.drain({ ids }), 'due only at the end of the window').to.include({ claimed: 0 });

      advance(window());
      expect(await jobs.worker.drain({ ids })).to.include({ claimed: 1, done: 1 });
      const mails = sink.to(author.user.email);
      expect(mails).to.have.length(1);
      const [mail] = mails;
      expect(mail.subject).to.equal('2 new comments on "Dragons & <Knights>"');
      expect(mail.text).to.include(`${alice.user.username} wrote:\nFirst! <script>alert(1)</script>`);
      expect(mail.text).to.include(`${bob.user.username} wrote:\nSecond, with "quotes"\nand a second line`);
      expect(mail.text).to.not.include('my own reply');
      expect(mail.html).to.include('First! &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(mail.html).to.include('Second, with &quot;quotes&quot;<br>and a second line');
      expect(mail.html).to.include('<strong>Dragons &amp; &lt;Knights&gt;</strong>');
      expect(mail.html).to.not.include('<script>');
      expect(sink.to(alice.user.email)).to.deep.equal([]);
    });

    it('a comment after the batch was claimed waits a window of its own (at most one mail per window)', async () => {
      const author = await createUser();
      const article = await createArticle(author.user);
      const reader = await createUser();
      await comment(article.slug, reader, 'one');
      advance(window());
      await jobs.worker.drain({ ids: await jobIds(COMMENTS_MAIL, 'articleId', article.id) });
      await comment(article.slug, reader, 'two');
      const ids = await jobIds(COMMENTS_MAIL, 'articleId', article.id);
      expect(ids).to.have.length(2);
      const [next] = await em().execute<{ wait_ms: number }[]>(
        `select (extract(epoch from run_at - created_at) * 1000)::int as wait_ms from jobs where id = ?`,
        [ids[1]],
      );
      expect(next.wait_ms).to.be.closeTo(window(), 5);
      expect(sink.to(author.user.email)).to.have.length(1);
    });

    it('queues nothing when the author comments on their own article', async () => {
      const author = await createUser();
      const article = await createArticle(author.user);
      await comment(article.slug, author, 'talking to myself');
      expect(await jobIds(COMMENTS_MAIL, 'articleId', article.id)).to.deep.equal([]);
    });

    it('sends no notification to an author who set emailNotifications to false', async () => {
      const author = await createUser();
      await api()
        .put('/api/user')
        .set(authHeader(author))
        .send({ user: { emailNotifications: false } })
        .expect(200);
      const article = await createArticle(author.user);
      await comment(article.slug, await createUser(), 'you will not hear of this');
      const ids = await jobIds(COMMENTS_MAIL, 'articleId', article.id);
      advance(window());
      expect(await jobs.worker.drain({ ids })).to.include({ claimed: 1, done: 1 });
      expect(sink.to(author.user.email)).to.deep.equal([]);
    });
  });
});
