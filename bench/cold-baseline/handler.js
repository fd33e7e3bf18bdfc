/**
 * The bare baseline of `npm run bench:cold`: the least a Lambda function answering GET /api/tags
 * from PostgreSQL can load. serverless-http + Koa + pg, one query, no ORM, no validation, no
 * routing. Bundled by the same esbuild settings as the real handler (scripts/bundle-lambda.js),
 * so the ratio measures what our code and its dependencies cost, not how they are packaged.
 */
const Koa = require('koa');
const serverless = require('serverless-http');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
const app = new Koa();
app.use(async (ctx) => {
  const { rows } = await pool.query('select name from tags where articles_count > 0 order by name collate "C"');
  ctx.body = { tags: rows.map((row) => row.name) };
});

exports.handler = serverless(app);
