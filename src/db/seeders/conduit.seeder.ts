import { faker } from '@faker-js/faker';
import type { EntityManager as CoreEntityManager } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Seeder } from '@mikro-orm/seeder';
import { Article } from '../../modules/articles/article.entity';
import { Favorite } from '../../modules/articles/favorite.entity';
import { Follow } from '../../modules/profiles/follow.entity';
import { User } from '../../modules/users/user.entity';
import { ArticleFactory } from '../factories/article.factory';
import { CommentFactory } from '../factories/comment.factory';
import { DEMO_USER, ensureDemoUser, seedUsers } from './users.seeder';

/** How many rows of each kind to add; rows already in the database are kept and reused. */
export interface SeedCounts {
  users: number;
  articles: number;
  comments: number;
  favorites: number;
  follows: number;
}

export type SeedPhase = keyof SeedCounts;

export type SeedEvent =
  | { type: 'start'; phase: SeedPhase; total: number }
  | { type: 'progress'; phase: SeedPhase; done: number }
  | { type: 'end'; phase: SeedPhase; inserted: number; elapsedMs: number };

export interface SeedOptions {
  /** Rows per flush or per multi-row insert. */
  batchSize?: number;
  /** How many users the demo account should follow at least (fewer when fewer exist). */
  demoFollows?: number;
  onEvent?: (event: SeedEvent) => void;
}

export interface SeedReport {
  inserted: SeedCounts;
  phases: { phase: SeedPhase; inserted: number; elapsedMs: number }[];
  demo: { id: number; username: string; email: string; created: boolean; following: number; followsAdded: number };
  elapsedMs: number;
}

export const DEFAULT_DEMO_FOLLOWS = 20;

/** Consecutive batches that may add nothing before a pair phase gives up (all pairs taken). */
const MAX_FRUITLESS_BATCHES = 50;

/**
 * Seeds a Conduit database: users, then articles by random users, comments by random users on
 * random articles, unique favorites and follows, and the demo account (see DEMO_USER) following
 * the authors of the newest articles, so that its feed is full. New rows reference every user and
 * article in the database, not only the ones this run adds.
 *
 * Entities go through the factories and one flush per batch (multi-row inserts); favorites and
 * follows, which have composite keys, go in as multi-row `insert … on conflict do nothing`.
 */
export async function seedConduit(
  em: EntityManager,
  counts: SeedCounts,
  options: SeedOptions = {},
): Promise<SeedReport> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 500;
  const emit = options.onEvent ?? (() => {});
  await checkCapacity(em, counts);

  const phases: SeedReport['phases'] = [];
  const inserted: SeedCounts = { users: 0, articles: 0, comments: 0, favorites: 0, follows: 0 };

  const runPhase = async (
    phase: SeedPhase,
    total: number,
    work: (progress: (done: number) => void) => Promise<void>,
  ) => {
    if (total === 0) return;
    const phaseStarted = performance.now();
    emit({ type: 'start', phase, total });
    await work((done) => emit({ type: 'progress', phase, done }));
    const elapsedMs = Math.round(performance.now() - phaseStarted);
    inserted[phase] = total;
    phases.push({ phase, inserted: total, elapsedMs });
    emit({ type: 'end', phase, inserted: total, elapsedMs });
  };

  await runPhase('users', counts.users, (progress) => seedUsers(em, counts.users, { batchSize, onProgress: progress }));
  const demo = await ensureDemoUser(em);
  const demoId = demo.user.id;
  em.clear();

  const userIds = await selectIds(em, 'select id from users');
  await runPhase('articles', counts.articles, (progress) =>
    seedArticles(em, counts.articles, userIds, batchSize, progress),
  );

  const articles = await selectArticleDates(em);
  await runPhase('comments', counts.comments, (progress) =>
    seedComments(em, counts.comments, articles, userIds, batchSize, progress),
  );

  const articleIds = articles.map((article) => article.id);
  await runPhase('favorites', counts.favorites, (progress) =>
    insertUniquePairs(em, {
      target: counts.favorites,
      batchSize,
      onProgress: progress,
      pick: () => [faker.helpers.arrayElement(userIds), faker.helpers.arrayElement(articleIds)],
      insert: (pairs) =>
        em
          .createQueryBuilder(Favorite)
          .insert(pairs.map(([user, article]) => ({ user, article })))
          .onConflict()
          .ignore()
          .execute('run'),
    }),
  );

  await runPhase('follows', counts.follows, (progress) =>
    insertUniquePairs(em, {
      target: counts.follows,
      batchSize,
      onProgress: progress,
      pick: () => {
        const follower = faker.helpers.arrayElement(userIds);
        let followee = faker.helpers.arrayElement(userIds);
        // Nobody follows themselves (a check constraint); redraw instead of wasting the slot.
        while (followee === follower && userIds.length > 1) followee = faker.helpers.arrayElement(userIds);
        return [follower, followee];
      },
      insert: (pairs) =>
        em
          .createQueryBuilder(Follow)
          .insert(pairs.map(([follower, followee]) => ({ follower, followee })))
          .onConflict()
          .ignore()
          .execute('run'),
    }),
  );

  const demoFollows = await topUpDemoFollows(em, demoId, options.demoFollows ?? DEFAULT_DEMO_FOLLOWS);
  return {
    inserted,
    phases,
    demo: {
      id: demoId,
      username: demo.user.username,
      email: demo.user.email,
      created: demo.created,
      ...demoFollows,
    },
    elapsedMs: Math.round(performance.now() - started),
  };
}

/**
 * Refuses up front, before inserting anything, when unique favorites or follows cannot reach the
 * requested counts (e.g. 1000 favorites among 3 users and 10 articles).
 */
async function checkCapacity(em: EntityManager, counts: SeedCounts): Promise<void> {
  if (counts.favorites === 0 && counts.follows === 0 && counts.comments === 0) return;
  const [existing] = await em
    .getConnection()
    .execute<{ users: string; articles: string; favorites: string; follows: string; demo: boolean }[]>(
      `select (select count(*) from users) as users,
            (select count(*) from articles) as articles,
            (select count(*) from favorites) as favorites,
            (select count(*) from follows) as follows,
            exists (select 1 from users where username = ? or lower(email) = ?) as demo`,
      [DEMO_USER.username, DEMO_USER.email.toLowerCase()],
    );
  const users = Number(existing.users) + counts.users + (existing.demo ? 0 : 1);
  const articles = Number(existing.articles) + counts.articles;
  const problems: string[] = [];
  if (counts.comments > 0 && articles === 0) problems.push('comments need at least one article (add --articles)');
  const favoriteRoom = users * articles - Number(existing.favorites);
  if (counts.favorites > favoriteRoom) {
    problems.push(`only ${favoriteRoom} more unique favorites fit among ${users} users and ${articles} articles`);
  }
  const followRoom = users * (users - 1) - Number(existing.follows);
  if (counts.follows > followRoom) {
    problems.push(`only ${followRoom} more unique follows fit among ${users} users`);
  }
  if (problems.length > 0) throw new Error(`cannot seed: ${problems.join('; ')}`);
}

async function selectIds(em: EntityManager, sql: string): Promise<number[]> {
  const rows = await em.getConnection().execute<{ id: number }[]>(sql);
  return rows.map((row) => Number(row.id));
}

async function selectArticleDates(em: EntityManager): Promise<{ id: number; createdAt: Date }[]> {
  const rows = await em
    .getConnection()
    .execute<{ id: number; created_at: Date | string }[]>('select id, created_at from articles');
  return rows.map((row) => ({ id: Number(row.id), createdAt: new Date(row.created_at) }));
}

async function seedArticles(
  em: EntityManager,
  count: number,
  authorIds: number[],
  batchSize: number,
  onProgress: (done: number) => void,
): Promise<void> {
  const factory = new ArticleFactory(em);
  for (let done = 0; done < count; ) {
    const size = Math.min(batchSize, count - done);
    for (let i = 0; i < size; i += 1) {
      factory.makeOne({ author: em.getReference(User, faker.helpers.arrayElement(authorIds)) });
    }
    await em.flush();
    em.clear();
    done += size;
    onProgress(done);
  }
}

async function seedComments(
  em: EntityManager,
  count: number,
  articles: { id: number; createdAt: Date }[],
  authorIds: number[],
  batchSize: number,
  onProgress: (done: number) => void,
): Promise<void> {
  const factory = new CommentFactory(em);
  const now = new Date();
  for (let done = 0; done < count; ) {
    const size = Math.min(batchSize, count - done);
    for (let i = 0; i < size; i += 1) {
      const article = faker.helpers.arrayElement(articles);
      // A comment never predates its article (whose clock may run ahead of ours).
      const createdAt = faker.date.between({
        from: article.createdAt,
        to: article.createdAt > now ? article.createdAt : now,
      });
      factory.makeOne({
        article: em.getReference(Article, article.id),
        author: em.getReference(User, faker.helpers.arrayElement(authorIds)),
        createdAt,
        updatedAt: createdAt,
      });
    }
    await em.flush();
    em.clear();
    done += size;
    onProgress(done);
  }
}

/**
 * Draws random pairs until `target` new rows went in. Pairs drawn earlier in this run are skipped
 * in memory; pairs already in the database are skipped by `on conflict do nothing`, and the
 * affected-row count says how many were really new.
 */
async function insertUniquePairs(
  em: EntityManager,
  phase: {
    target: number;
    batchSize: number;
    onProgress: (done: number) => void;
    pick: () => [number, number];
    insert: (pairs: [number, number][]) => Promise<{ affectedRows: number }>;
  },
): Promise<void> {
  const drawn = new Set<string>();
  let done = 0;
  let fruitless = 0;
  while (done < phase.target) {
    const wanted = Math.min(phase.batchSize, phase.target - done);
    const pairs: [number, number][] = [];
    for (let attempts = 0; pairs.length < wanted && attempts < wanted * 20; attempts += 1) {
      const pair = phase.pick();
      const key = `${pair[0]}:${pair[1]}`;
      if (drawn.has(key)) continue;
      drawn.add(key);
      pairs.push(pair);
    }
    const added = pairs.length > 0 ? (await phase.insert(pairs)).affectedRows : 0;
    done += added;
    fruitless = added === 0 ? fruitless + 1 : 0;
    if (fruitless >= MAX_FRUITLESS_BATCHES) {
      throw new Error(`cannot seed: found only ${done} of ${phase.target} new unique pairs`);
    }
    phase.onProgress(done);
  }
  em.clear();
}

/**
 * Makes the demo user follow at least `wanted` others (all others when fewer exist), preferring
 * the authors of the newest articles so that GET /api/articles/feed has plenty to show.
 */
async function topUpDemoFollows(
  em: EntityManager,
  demoId: number,
  wanted: number,
): Promise<{ following: number; followsAdded: number }> {
  const connection = em.getConnection();
  const countFollowing = async () => {
    const [row] = await connection.execute<{ count: string }[]>(
      'select count(*) as count from follows where follower_id = ?',
      [demoId],
    );
    return Number(row.count);
  };
  const before = await countFollowing();
  if (before < wanted) {
    await connection.execute(
      `insert into follows (follower_id, followee_id)
       select ?, u.id
       from users u
       left join lateral (select max(a.created_at) as latest from articles a where a.author_id = u.id) newest on true
       where u.id <> ?
         and not exists (select 1 from follows f where f.follower_id = ? and f.followee_id = u.id)
       order by newest.latest desc nulls last, u.id
       limit ?
       on conflict do nothing`,
      [demoId, demoId, demoId, wanted - before],
      'run',
    );
  }
  const following = await countFollowing();
  return { following, followsAdded: following - before };
}

/** Counts for `npx mikro-orm seeder:run --class=ConduitSeeder`: a small, browsable data set. */
export const DEMO_SEED_COUNTS: SeedCounts = { users: 50, articles: 300, comments: 900, favorites: 600, follows: 150 };

/** The MikroORM seeder entry point; the CLI's `seed` command calls seedConduit() directly. */
export class ConduitSeeder extends Seeder {
  async run(em: CoreEntityManager): Promise<void> {
    await seedConduit(em as EntityManager, DEMO_SEED_COUNTS);
  }
}
