import { RequestContext } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import type Koa from 'koa';
import { Client } from 'pg';
import type { Test } from 'supertest';
import { createApp } from '../../src/app';
import type { AppConfig } from '../../src/config/config';
import { type Database, openDatabase } from '../../src/db/database';
import { ReplicaReads, readRows } from '../../src/db/replica-reads';
import { createLogger } from '../../src/logger';
import { laggingReplicaUrl } from '../support/env';
import { authHeader, createArticle, createUser } from '../support/factories';
import { api, targetOf, testEnvironment } from '../support/test-env';

/**
 * Read replicas (README "Read replicas"): safe requests read from a replica, everything else and
 * the current user from the primary; lists may lag; a replica outage falls back to the primary.
 * On the replicas .ci/replica builds: DATABASE_REPLICA_URLS (synchronous, remote_apply) and
 * TEST_LAGGING_REPLICA_URL (asynchronous, whose replay the lag spec pauses).
 */

/** The statements one request sent, each with the connection MikroORM logged it on. */
async function statementsOf(request: Test): Promise<{ status: number; statements: string[] }> {
  const { sqlLog } = testEnvironment();
  sqlLog.clear();
  const response = await request;
  return { status: response.status, statements: [...sqlLog.all] };
}

const onReplica = (statement: string) => / \(via read connection 'replica-\d+'\)$/.test(statement);
const onPrimary = (statement: string) => / \(via write connection '[^']*'\)$/.test(statement);

function withQuery(url: string, sql: string) {
  return async <T>(): Promise<T> => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows[0] as T;
    } finally {
      await client.end();
    }
  };
}

/** Waits until the replica has replayed everything the primary has written so far. */
async function caughtUp(primaryUrl: string, replicaUrl: string): Promise<void> {
  const { lsn } = await withQuery(primaryUrl, 'select pg_current_wal_lsn()::text as lsn')<{ lsn: string }>();
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { done } = await withQuery(replicaUrl, `select pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn as done`)<{
      done: boolean;
    }>();
    if (done) return;
    if (Date.now() > deadline) throw new Error(`replica ${replicaUrl} did not reach ${lsn} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** An app of its own on the suite's database, with these replicas. */
async function appWithReplicas(replicaUrls: string[]): Promise<{ app: Koa; database: Database }> {
  const base = testEnvironment().config;
  const config: AppConfig = { ...base, databaseReplicaUrls: replicaUrls };
  const database = await openDatabase(config);
  return { app: createApp({ config, logger: createLogger(config), orm: database.orm }), database };
}

describe('read replicas', () => {
  describe('with DATABASE_REPLICA_URLS', () => {
    before(function () {
      if (testEnvironment().config.databaseReplicaUrls.length === 0) {
        console.log(
          '    skipped: no DATABASE_REPLICA_URLS (eval "$(.ci/replica start)" builds a primary and replicas)',
        );
        this.skip();
      }
    });

    it('reads a safe request on a replica: the read connection is in recovery, the primary is not', async () => {
      const { orm } = testEnvironment().database;
      const reads = new ReplicaReads(orm);
      const inRecovery = (allowReplica: boolean) =>
        RequestContext.create(orm.em, async () => {
          if (allowReplica) reads.allowFor(orm.em.getContext() as EntityManager);
          const [row] = await readRows<{ standby: boolean }[]>(orm.em, 'select pg_is_in_recovery() as standby', []);
          return row.standby;
        });
      expect(await inRecovery(true)).to.equal(true);
      expect(await inRecovery(false)).to.equal(false);
    });

    it('GET /api/articles/:slug, lists, comments, profiles and tags read on the replica', async () => {
      const author = await createUser();
      const article = await createArticle(author.user, { tagList: ['replicated'] });
      for (const path of [
        `/api/articles/${article.slug}`,
        `/api/articles?author=${author.user.username}`,
        `/api/articles/${article.slug}/comments`,
        `/api/profiles/${author.user.username}`,
        '/api/tags',
      ]) {
        const { status, statements } = await statementsOf(api().get(path));
        expect(status, path).to.equal(200);
        expect(statements.length, path).to.be.greaterThan(0);
        expect(statements.filter(onReplica), `${path}:\n${statements.join('\n')}`).to.deep.equal(statements);
      }
    });

    it('GET as a signed-in user: the user from the primary, the rest from the replica', async () => {
      const reader = await createUser();
      const { status, statements } = await statementsOf(api().get('/api/articles/feed').set(authHeader(reader)));
      expect(status).to.equal(200);
      expect(statements[0]).to.match(/from "users" where "id" = /);
      expect(onPrimary(statements[0]), statements[0]).to.equal(true);
      expect(statements.slice(1).every(onReplica), statements.join('\n')).to.equal(true);
    });

    it('a write request does everything on the primary, its reads included', async () => {
      const author = await createUser();
      const article = await createArticle(author.user);
      const { status, statements } = await statementsOf(
        api()
          .post(`/api/articles/${article.slug}/comments`)
          .set(authHeader(author))
          .send({ comment: { body: 'on the primary' } }),
      );
      expect(status).to.equal(201);
      expect(statements.length).to.be.greaterThan(1);
      expect(statements.filter(onPrimary), statements.join('\n')).to.deep.equal(statements);
    });
  });

  describe('when the replica lags (TEST_LAGGING_REPLICA_URL, replay paused)', () => {
    let lagging: { app: Koa; database: Database } | undefined;
    const resume = () => laggingReplicaUrl && withQuery(laggingReplicaUrl, 'select pg_wal_replay_resume()')();

    before(async function () {
      const primaryUrl = testEnvironment().config.databaseUrl;
      if (!laggingReplicaUrl || !primaryUrl) {
        console.log('    skipped: no TEST_LAGGING_REPLICA_URL (an asynchronous replica; see .ci/replica)');
        this.skip();
        return;
      }
      await resume();
      await caughtUp(primaryUrl, laggingReplicaUrl);
      lagging = await appWithReplicas([laggingReplicaUrl]);
    });

    after(async () => {
      await resume();
      await lagging?.database.close();
    });

    it('the writer reads its account from the primary at once; lists and articles show the write once replayed', async () => {
      const target = targetOf((lagging as { app: Koa }).app);
      const primaryUrl = testEnvironment().config.databaseUrl as string;
      const writer = await createUser({ bio: 'before' });
      await caughtUp(primaryUrl, laggingReplicaUrl as string);
      await withQuery(laggingReplicaUrl as string, 'select pg_wal_replay_pause()')();

      await api(target)
        .put('/api/user')
        .set(authHeader(writer))
        .send({ user: { bio: 'after' } })
        .expect(200);
      const created = await api(target)
        .post('/api/articles')
        .set(authHeader(writer))
        .send({ article: { title: 'Written while the replica lags', description: 'd', body: 'b' } })
        .expect(201);
      const slug = created.body.article.slug as string;

      // Its own account: from the primary, on the very next request.
      const own = await api(target).get('/api/user').set(authHeader(writer)).expect(200);
      expect(own.body.user.bio).to.equal('after');
      // Everything else a GET reads comes from the replica, which has not replayed the writes yet.
      await api(target).get(`/api/articles/${slug}`).expect(404);
      await api(target).get(`/api/articles/${slug}`).set(authHeader(writer)).expect(404);
      const profile = await api(target).get(`/api/profiles/${writer.user.username}`).expect(200);
      expect(profile.body.profile.bio).to.equal('before');

      await resume();
      await caughtUp(primaryUrl, laggingReplicaUrl as string);
      await api(target).get(`/api/articles/${slug}`).expect(200);
      const replayed = await api(target).get(`/api/profiles/${writer.user.username}`).expect(200);
      expect(replayed.body.profile.bio).to.equal('after');
    });
  });

  describe('when a replica does not answer', () => {
    let down: { app: Koa; database: Database } | undefined;

    before(async function () {
      const primaryUrl = testEnvironment().config.databaseUrl;
      if (!primaryUrl) {
        console.log('    skipped: replicas need a PostgreSQL server (DATABASE_URL)');
        this.skip();
        return;
      }
      // Port 1 on loopback: nothing listens, every connection is refused at once.
      down = await appWithReplicas(['postgres://postgres@127.0.0.1:1/conduit']);
    });

    after(async () => {
      await down?.database.close();
    });

    it('GETs are answered from the primary, and /health says the replica is down but the API is up', async () => {
      const target = targetOf((down as { app: Koa }).app);
      const author = await createUser();
      const article = await createArticle(author.user);
      for (let i = 0; i < 3; i += 1) {
        const response = await api(target).get(`/api/articles/${article.slug}`).expect(200);
        expect(response.body.article.slug).to.equal(article.slug);
      }
      await api(target).get('/api/tags').expect(200);
      const health = await api(target).get('/health').expect(200);
      expect(health.body).to.deep.include({ status: 'ok', database: 'up', replicas: { configured: 1, up: 0 } });
    });
  });
});
