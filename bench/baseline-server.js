/**
 * The benchmark's floor: the cheapest honest way to serve three routes with the same JSON as the
 * real app. Bare Koa, a raw `pg` pool and jsonwebtoken; no ORM, DI, validation framework or
 * logging. Whatever the real server spends beyond this is the price of its framework stack.
 *
 * - GET /api/articles (anonymous): one SQL statement.
 * - GET /api/user: verify the token, read the user, sign a fresh token (as ours does): one statement.
 * - POST /api/articles: verify the token, read the author, check the fields by hand, insert: two
 *   statements.
 *
 *   DATABASE_URL=postgres://… JWT_SECRET=… PORT=3001 node bench/baseline-server.js
 *
 * Prints one JSON line `{"msg":"listening on http://127.0.0.1:PORT"}` once it accepts requests.
 */
const { createSecretKey, randomBytes } = require('node:crypto');
const jwt = require('jsonwebtoken');
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

const FIND_USER_SQL = 'select id, email, username, bio, image from users where id = $1';
const INSERT_ARTICLE_SQL = `
  insert into articles (slug, title, description, body, tag_list, author_id, created_at, updated_at)
  values ($1, $2, $3, $4, $5, $6, $7, $7)`;
const AUTHORIZATION = /^(?:Token|Bearer|JWT)[ \t]+([\w-]+\.[\w-]+\.[\w-]+)[ \t]*$/i;
const BODY_LIMIT = 1_000_000;

/** The user the request's token names, or undefined (the caller answers 401). */
async function authenticatedUser(ctx, pool, key) {
  const token = AUTHORIZATION.exec(ctx.get('authorization'))?.[1];
  if (!token) return undefined;
  let claims;
  try {
    claims = jwt.verify(token, key, { algorithms: ['HS256'] });
  } catch {
    return undefined;
  }
  const id = Number(claims.sub);
  if (!Number.isInteger(id) || id < 1 || id > 2_147_483_647) return undefined;
  const { rows } = await pool.query(FIND_USER_SQL, [id]);
  return rows[0];
}

async function readJson(ctx) {
  const chunks = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += chunk.length;
    if (size > BODY_LIMIT) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function slugOf(title) {
  const base = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${base || 'article'}-${randomBytes(6).toString('hex').slice(0, 6)}`;
}

const text = (value, max) => typeof value === 'string' && value.trim().length > 0 && value.length <= max;

function unauthorized(ctx) {
  ctx.status = 401;
  ctx.body = { errors: { body: ['missing or invalid token'] } };
}

async function currentUser(ctx, pool, key, expiresIn) {
  const user = await authenticatedUser(ctx, pool, key);
  if (!user) return unauthorized(ctx);
  const token = jwt.sign({ username: user.username }, key, { algorithm: 'HS256', subject: String(user.id), expiresIn });
  ctx.body = { user: { email: user.email, token, username: user.username, bio: user.bio, image: user.image } };
}

async function createArticle(ctx, pool, key) {
  const user = await authenticatedUser(ctx, pool, key);
  if (!user) return unauthorized(ctx);
  const input = (await readJson(ctx))?.article;
  const tags = input?.tagList ?? [];
  if (
    !text(input?.title, 255) ||
    !text(input?.description, 1000) ||
    !text(input?.body, 100_000) ||
    !Array.isArray(tags) ||
    tags.length > 20 ||
    !tags.every((tag) => text(tag, 64))
  ) {
    ctx.status = 422;
    ctx.body = {
      errors: { body: ['title, description and body are required text; tagList is up to 20 short strings'] },
    };
    return;
  }
  const tagList = [...new Set(tags.map((tag) => tag.trim().replace(/\s+/g, ' ').toLowerCase()))].sort();
  const now = new Date();
  const title = input.title.trim();
  const slug = slugOf(title);
  await pool.query(INSERT_ARTICLE_SQL, [slug, title, input.description, input.body, tagList, user.id, now]);
  ctx.status = 201;
  ctx.body = {
    article: {
      slug,
      title,
      description: input.description,
      body: input.body,
      tagList,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      favorited: false,
      favoritesCount: 0,
      author: { username: user.username, bio: user.bio, image: user.image, following: false },
    },
  };
}

function main() {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('DATABASE_URL is required');
    process.exit(1);
  }
  const pool = new Pool({ connectionString: databaseUrl, max: Number(process.env.DB_POOL_MAX ?? 10) });
  const key = createSecretKey(Buffer.from(process.env.JWT_SECRET ?? 'baseline-secret', 'utf8'));
  const expiresIn = process.env.JWT_EXPIRES_IN ?? '7d';

  const app = new Koa();
  app.silent = true;
  app.use(async (ctx) => {
    if (ctx.path === '/api/user' && ctx.method === 'GET') return currentUser(ctx, pool, key, expiresIn);
    if (ctx.path === '/api/articles' && ctx.method === 'POST') return createArticle(ctx, pool, key);
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

  serveUntilSignalled(app, Number(process.env.PORT ?? 3001), () => pool.end());
}

/**
 * Listens on 127.0.0.1:`port`, prints the line bench/run.js waits for, and on SIGTERM or SIGINT
 * closes every connection, then `release()` (the database), then exits 0.
 */
function serveUntilSignalled(app, port, release) {
  const server = app.listen(port, '127.0.0.1', () => {
    console.log(JSON.stringify({ msg: `listening on http://127.0.0.1:${server.address().port}` }));
  });
  const stop = () => {
    server.close(() => release().then(() => process.exit(0)));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// bench/floor-server.js serves the same statements and JSON through the project's stack.
module.exports = {
  LIST_ARTICLES_SQL,
  FIND_USER_SQL,
  INSERT_ARTICLE_SQL,
  AUTHORIZATION,
  wholeNumber,
  toListResponse,
  slugOf,
  text,
  serveUntilSignalled,
};

if (require.main === module) main();
