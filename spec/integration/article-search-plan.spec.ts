import { expect } from 'chai';
import { pageQuery } from '../../src/modules/articles/article.repository';
import { createUser } from '../support/factories';
import { em } from '../support/test-env';

/**
 * `?search=` must be answered from the GIN index on `articles.search_vector`, not by computing
 * the match on every row: seed a few thousand articles in one INSERT … generate_series, ANALYZE,
 * and EXPLAIN exactly the statement (text and values) the repository sends for a page.
 */
describe('article search plan', () => {
  const ROWS = 4_000;
  const BATCH = 500;
  const run = `plan${Date.now().toString(36)}`;
  // A word in 1 row of 1,000: selective, as a search word is.
  const rareWord = `zqrare${run.replace(/\d/g, 'x')}k`;
  const commonWords = ['harbour', 'lantern', 'meadow', 'orbit', 'pepper', 'quartz', 'saddle', 'timber'];
  // An array literal as text: the driver would spread a JavaScript array into a list of values.
  const wordArray = `{${commonWords.join(',')}}`;

  before(async function () {
    this.timeout(120_000);
    const { user } = await createUser();
    // In batches: one statement stays well inside the statement timeout on a slow, shared machine.
    for (let from = 1; from <= ROWS; from += BATCH) {
      await em().execute(
        `insert into articles (slug, title, description, body, tag_list, author_id, created_at, updated_at)
         select ? || '-' || i,
                'Generated ' || (?::text::text[])[i % 8 + 1] || ' ' || i || case when i % 1000 = 0 then ' ' || ? else '' end,
                'About ' || (?::text::text[])[(i / 8) % 8 + 1],
                repeat('Words about ' || (?::text::text[])[(i / 64) % 8 + 1] || ' and more words. ', 10),
                '{}', ?, now() - i * interval '1 minute', now() - i * interval '1 minute'
           from generate_series(?::int, ?::int) as i`,
        [run, wordArray, rareWord, wordArray, wordArray, user.id, from, from + BATCH - 1],
      );
    }
    // As a database in steady state: GIN's pending list merged into the index, statistics fresh.
    await em().execute('vacuum analyze articles');
  });

  after(async () => {
    await em().execute(`delete from articles where slug like ? || '-%'`, [run]);
  });

  it('seeded the rows the plan is about', async () => {
    const [row] = await em().execute<{ n: number }[]>(
      `select count(*)::int as n from articles where slug like ? || '-%' and search_vector @@ to_tsquery('simple', ?)`,
      [run, `'${rareWord}'`],
    );
    expect(row.n).to.equal(ROWS / 1000);
  });

  // A finished word (the trailing space) and a word being typed (a prefix, `word:*`), which the
  // planner estimates differently: from the column's statistics, or as a fixed share of the rows.
  for (const [name, search] of [
    ['a finished word', () => `${rareWord} `],
    ['a word being typed (prefix)', () => rareWord.slice(0, -2)],
  ] as const) {
    it(`uses the GIN index for a page of results and for its total: ${name}`, async () => {
      const { text, values } = pageQuery({ search: search() }, { limit: 20, offset: 0 }, undefined);
      const plan = (await em().execute<{ 'QUERY PLAN': string }[]>(`explain ${text}`, values))
        .map((row) => row['QUERY PLAN'])
        .join('\n');
      const indexScans = plan.match(/Bitmap Index Scan on articles_search_vector_gin/g) ?? [];
      // One for the page, one for the total in its subquery.
      expect(indexScans, plan).to.have.length(2);
      expect(plan, plan).not.to.match(/Seq Scan on articles/);
    });
  }

  it('still finds the rows through that plan, ranked, with the total', async () => {
    const { text, values } = pageQuery({ search: `${rareWord} generated` }, { limit: 3, offset: 0 }, undefined);
    const rows = await em().execute<{ title: string; total: number }[]>(text, values);
    expect(rows).to.have.length(3);
    expect(rows[0].total).to.equal(ROWS / 1000);
    for (const row of rows) expect(row.title).to.include(rareWord);
  });
});
