import { expect } from 'chai';
import { TAG_VOCABULARY } from '../../src/db/factories/article.factory';
import { type SeedCounts, seedConduit } from '../../src/db/seeders/conduit.seeder';
import { DEMO_USER } from '../../src/db/seeders/users.seeder';
import { em } from '../support/test-env';

/** Row counts of every seeded table; other specs add rows too, so assertions compare deltas. */
async function tableCounts(): Promise<SeedCounts> {
  const [row] = await em()
    .getConnection()
    .execute<Record<keyof SeedCounts, string>[]>(
      `select (select count(*) from users) as users, (select count(*) from articles) as articles,
              (select count(*) from comments) as comments, (select count(*) from favorites) as favorites,
              (select count(*) from follows) as follows`,
    );
  return {
    users: Number(row.users),
    articles: Number(row.articles),
    comments: Number(row.comments),
    favorites: Number(row.favorites),
    follows: Number(row.follows),
  };
}

describe('seeding (seedConduit)', () => {
  const counts: SeedCounts = { users: 6, articles: 12, comments: 20, favorites: 15, follows: 8 };

  it('adds exactly the requested rows, and a demo user who follows others', async () => {
    const before = await tableCounts();
    const report = await seedConduit(em(), counts, { batchSize: 5 });
    const after = await tableCounts();

    expect(report.inserted).to.deep.equal(counts);
    const demoUsers = report.demo.created ? 1 : 0;
    expect(after.users - before.users).to.equal(counts.users + demoUsers);
    expect(after.articles - before.articles).to.equal(counts.articles);
    expect(after.comments - before.comments).to.equal(counts.comments);
    expect(after.favorites - before.favorites).to.equal(counts.favorites);
    expect(after.follows - before.follows).to.equal(counts.follows + report.demo.followsAdded);

    const [demo] = await em()
      .getConnection()
      .execute<{ following: string }[]>(
        'select count(*) as following from follows f join users u on u.id = f.follower_id where u.username = ?',
        [DEMO_USER.username],
      );
    expect(Number(demo.following)).to.be.at.least(1);
    expect(report.demo.following).to.equal(Number(demo.following));
  });

  it('gives articles unique url-safe slugs and 1-4 sorted tags from the vocabulary', async () => {
    await seedConduit(em(), { users: 0, articles: 8, comments: 0, favorites: 0, follows: 0 });
    const rows = await em()
      .getConnection()
      .execute<{ slug: string; tag_list: string[] }[]>('select slug, tag_list from articles order by id desc limit 8');

    expect(new Set(rows.map((row) => row.slug)).size).to.equal(rows.length);
    for (const { slug, tag_list: tags } of rows) {
      expect(slug).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(tags.length).to.be.within(1, 4);
      expect(tags).to.deep.equal([...tags].sort());
      for (const tag of tags) expect(TAG_VOCABULARY).to.include(tag);
    }
  });

  it('reuses the demo user on a second run', async () => {
    await seedConduit(em(), { users: 1, articles: 0, comments: 0, favorites: 0, follows: 0 });
    const report = await seedConduit(em(), { users: 0, articles: 0, comments: 0, favorites: 0, follows: 0 });
    expect(report.demo.created).to.equal(false);
    const [row] = await em()
      .getConnection()
      .execute<{ count: string }[]>('select count(*) as count from users where username = ?', [DEMO_USER.username]);
    expect(Number(row.count)).to.equal(1);
  });

  it('refuses, before inserting anything, more unique favorites than users × articles allow', async () => {
    const before = await tableCounts();
    let failure: unknown;
    try {
      await seedConduit(em(), { users: 1, articles: 0, comments: 0, favorites: 10_000_000, follows: 0 });
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(Error);
    expect((failure as Error).message).to.include('unique favorites');
    expect(await tableCounts()).to.deep.equal(before);
  });
});
