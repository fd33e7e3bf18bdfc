/**
 * The benchmark's floor: the cheapest honest way to serve GET /api/articles for an anonymous
 * caller with the same JSON as the real app. Bare Koa and a raw `pg` pool, one SQL statement per
 * request, no ORM, validation, DI, auth or logging. Whatever the real server spends beyond this is
 * the price of its framework stack.
 *
 *   DATABASE_URL=postgres://… PORT=3001 node bench/baseline-server.js
 *
 * Prints one JSON line `{"msg":"listening on http://127.0.0.1:PORT"}` once it accepts requests.
 */
const Koa = require('koa');
const { Pool } = require('pg');

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

// The page, its authors and favorites counts, and the total, in one statement. The count is a
// separate scalar so an empty page (offset past the end) still reports articlesCount. Favorites
// are counted only for the rows of the page, through the favorites(article_id) index.
const LIST_ARTICLES_SQL = `
  with page as (
    select a.id, a.slug, a.title, a.description, a.tag_list, a.created_at, a.updated_at, a.author_id
      from articles a
     order by a.created_at desc, a.id desc
     limit $1 offset $2
  )
  select p.slug, p.title, p.description, p.tag_list, p.created_at, p.updated_at,
         (select count(*) from favorites f where f.article_id = p.id)::int as favorites_count,
         u.username, u.bio, u.image,
         total.articles_count
    from (select count(*)::int as articles_count from articles) total
    left join page p on true
    left join users u on u.id = p.author_id
   order by p.created_at desc, p.id desc`;

function wholeNumber(raw, fallback, min, max) {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) return undefined;
  return Math.min(value, max);
}

function toListResponse(rows) {
  const articles = [];
  for (const row of rows) {
    // The left join yields one all-null page row when the page is empty.
    if (row.slug === null) continue;
    articles.push({
      slug: row.slug,
      title: row.title,
      description: row.description,
      tagList: row.tag_list,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      favorited: false,
      favoritesCount: row.favorites_count,
      author: { username: row.username, bio: row.bio, image: row.image, following: false },
    });
  }
  return { articles, articlesCount: rows.length > 0 ? rows[0].articles_count : 0 };
}

function main() {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('DATABASE_URL is required');
    process.exit(1);
  }
  const pool = new Pool({ connectionString: databaseUrl, max: Number(process.env.DB_POOL_MAX ?? 10) });

  const app = new Koa();
  app.silent = true;
  app.use(async (ctx) => {
    if (ctx.path !== '/api/articles' || ctx.method !== 'GET') {
      ctx.status = 404;
      ctx.body = { errors: { body: ['not found'] } };
      return;
    }
    const limit = wholeNumber(ctx.query.limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
    const offset = wholeNumber(ctx.query.offset, 0, 0, 2_147_483_647);
    if (limit === undefined || offset === undefined) {
      ctx.status = 422;
      ctx.body = { errors: { body: ['limit and offset must be whole numbers'] } };
      return;
    }
    const { rows } = await pool.query(LIST_ARTICLES_SQL, [limit, offset]);
    ctx.body = toListResponse(rows);
  });

  const port = Number(process.env.PORT ?? 3001);
  const server = app.listen(port, '127.0.0.1', () => {
    console.log(JSON.stringify({ msg: `listening on http://127.0.0.1:${server.address().port}` }));
  });

  const stop = () => {
    server.close(() => pool.end().then(() => process.exit(0)));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
