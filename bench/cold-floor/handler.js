/**
 * The stack floor of `npm run bench:cold`: the least the project's fixed stack (README, "The
 * stack") loads and starts to answer GET /api/tags from PostgreSQL, with none of our code.
 * serverless-http + Koa + routing-controllers (which loads class-transformer and class-validator)
 * + typedi + MikroORM's PostgreSQL driver (knex, pg) with one entity, a RequestContext per
 * request, and the same query as the bare baseline through the ORM's connection.
 *
 * Plain JavaScript with the decorators applied as functions, so it needs no compiler; the entity
 * is an EntitySchema (no reflection). Bundled with the same esbuild settings and plugins as the
 * api function, migrator left out as there. The gap between this and the bare baseline is what
 * the stack costs before any line of the application runs; the gap between ours and this is ours.
 */
require('reflect-metadata');
const Koa = require('koa');
const serverless = require('serverless-http');
const { Container, Service } = require('typedi');
const { Get, JsonController, useContainer, useKoaServer } = require('routing-controllers');
const { EntitySchema, MikroORM, RequestContext } = require('@mikro-orm/postgresql');

class Tag {}
const TagSchema = new EntitySchema({
  class: Tag,
  tableName: 'tags',
  properties: {
    id: { type: 'number', primary: true },
    name: { type: 'string' },
    articlesCount: { type: 'number' },
  },
});

class TagsController {
  async list() {
    const rows = await RequestContext.getEntityManager().execute(
      'select name from tags where articles_count > 0 order by name collate "C"',
    );
    return { tags: rows.map((row) => row.name) };
  }
}
Service()(TagsController);
JsonController('/api')(TagsController);
Get('/tags')(TagsController.prototype, 'list');

let started;
function start() {
  started ??= (async () => {
    useContainer(Container);
    const orm = await MikroORM.init({
      clientUrl: process.env.DATABASE_URL,
      entities: [TagSchema],
      pool: { min: 0, max: 2 },
      allowGlobalContext: false,
    });
    const app = new Koa();
    app.use((_ctx, next) => RequestContext.create(orm.em, next));
    useKoaServer(app, { controllers: [TagsController], classTransformer: false });
    return serverless(app);
  })();
  return started;
}
// As ours does on Lambda: start building during the init phase, while the module loads.
start().catch(() => {});

exports.handler = async (event, context) => (await start())(event, context);
