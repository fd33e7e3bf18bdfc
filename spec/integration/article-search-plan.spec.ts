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
  const run = `plan${Date.now().toString(36)}`;
  // A word in 1 row of 1,000: selective, as a search word is.
  const rareWord = `zqrare${run.replace(/\d/g, 'x')}k`;
  const commonWords = ['harbour', 'lantern', 'meadow', 'orbit', 'pepper', 'quartz', 'saddle', 'timber'];
  // An array literal as text: the driver would spread a JavaScript array into a list of values.
  const wordArray = `{${commonWords.join(',')}}`;

  before(async function () {
    this.timeout(120_000);
    const { user } = await createUser();
    await em().execute(
      `insert into articles (slug, title, description, body, tag_list, author_id, created_at, updated_at)
       select ? || '-' || i,
              'Generated ' || (?::text::text[])[i % 8 + 1] || ' ' || i || case when i % 1000 = 0 then ' ' || ? else '' end,
              'About ' || (?::text::text[])[(i / 8) % 8 + 1],
              repeat('Words about ' || (?::text::text[])[(i / 64) % 8 + 1] || ' and more words. ', 20),
              '{}', ?, now() - i * interval '1 minute', now() - i * interval '1 minute'
         from generate_series(1, ?) as i`,
      [run, wordArray, rareWord, wordArray, wordArray, user.id, ROWS],
    );
    await em().execute('analyze articles');
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

  // A finished word (the trailing space): the planner estimates it from the column's statistics. A
  // prefix (`word:*`, the last word while typing) gets a fixed, coarse estimate of a few percent of
  // the rows instead, and on rows as short as these both databases then prefer a sequential scan,
  // which this spec does not pin down.
  it('uses the GIN index for a page of search results and for its total', async () => {
    const { text, values } = pageQuery({ search: `${rareWord} ` }, { limit: 20, offset: 0 }, undefined);
    const plan = (await em().execute<{ 'QUERY PLAN': string }[]>(`explain ${text}`, values))
      .map((row) => row['QUERY PLAN'])
      .join('\n');
    const indexScans = plan.match(/Bitmap Index Scan on articles_search_vector_gin/g) ?? [];
    // One for the page, one for the total in its subquery.
    expect(indexScans, plan).to.have.length(2);
    expect(plan, plan).not.to.match(/Seq Scan on articles/);
  });

  it('still finds the rows through that plan, ranked, with the total', async () => {
    const { text, values } = pageQuery({ search: `${rareWord} generated` }, { limit: 3, offset: 0 }, undefined);
    const rows = await em().execute<{ title: string; total: number }[]>(text, values);
    expect(rows).to.have.length(3);
    expect(rows[0].total).to.equal(ROWS / 1000);
    for (const row of rows) expect(row.title).to.include(rareWord);
  });
});
