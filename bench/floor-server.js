/**
 * The stack floor of `npm run bench -- --stack-floor`: the baseline's three routes, the same
 * statements and the same JSON (bench/baseline-server.js), served through the project's fixed
 * stack (README, "The stack") with none of our code: Koa, routing-controllers controllers in typedi,
 * koa-jwt, a class-validator DTO for the new article, MikroORM's connection with a RequestContext
 * per request. What this costs over the bare baseline, the stack costs before our code runs;
 * measured side by side, it says which ratio against the bare baseline the stack leaves reachable.
 *
 * Plain JavaScript: the decorators are applied as functions (and the one parameter type
 * routing-controllers needs is declared by hand), so it runs without a compiler. Each route does the
 * baseline's work and no more: one statement per read, the author's row and one insert per create,
 * a fresh token for GET /api/user as the baseline signs one.
 *
 *   DATABASE_URL=postgres://… JWT_SECRET=… PORT=3002 node bench/floor-server.js
 */
require('reflect-metadata');
const { createSecretKey } = require('node:crypto');
const jwt = require('jsonwebtoken');
const Koa = require('koa');
const koaJwt = require('koa-jwt');
const { Type } = require('class-transformer');
const {
  ArrayMaxSize,
  IsArray,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} = require('class-validator');
const {
  Body,
  Ctx,
  CurrentUser,
  Get,
  HttpCode,
  JsonController,
  Post,
  UnauthorizedError,
  useContainer,
  useKoaServer,
} = require('routing-controllers');
const { Container, Service } = require('typedi');
const { EntitySchema, MikroORM, RequestContext } = require('@mikro-orm/postgresql');
const {
  AUTHORIZATION,
  FIND_USER_SQL,
  INSERT_ARTICLE_SQL,
  LIST_ARTICLES_SQL,
  serveUntilSignalled,
  slugOf,
  toListResponse,
  wholeNumber,
} = require('./baseline-server');

// MikroORM needs one entity to start; the routes use its connection only.
class User {}
const UserSchema = new EntitySchema({
  class: User,
  tableName: 'users',
  properties: { id: { type: 'number', primary: true }, username: { type: 'string' } },
});

/** knex's placeholders are `?`, in order: `$7` twice becomes two bindings. */
function positional(sql) {
  const order = [];
  const text = sql.replace(/\$(\d+)/g, (_, n) => {
    order.push(Number(n) - 1);
    return '?';
  });
  return { text, bind: (values) => order.map((i) => values[i]) };
}
const LIST = positional(LIST_ARTICLES_SQL);
const FIND_USER = positional(FIND_USER_SQL);
// knex expands an array binding into a list of values; tag_list goes as a PostgreSQL array literal.
const INSERT = positional(INSERT_ARTICLE_SQL.replace('$5', '$5::text[]'));
const arrayLiteral = (values) => `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

const execute = (statement, values) =>
  RequestContext.getEntityManager().getConnection().execute(statement.text, statement.bind(values));

class NewArticle {}
for (const [field, max] of [
  ['title', 255],
  ['description', 1000],
  ['body', 100_000],
]) {
  IsString()(NewArticle.prototype, field);
  IsNotEmpty()(NewArticle.prototype, field);
  MaxLength(max)(NewArticle.prototype, field);
}
IsOptional()(NewArticle.prototype, 'tagList');
IsArray()(NewArticle.prototype, 'tagList');
ArrayMaxSize(20)(NewArticle.prototype, 'tagList');
IsString({ each: true })(NewArticle.prototype, 'tagList');
MaxLength(64, { each: true })(NewArticle.prototype, 'tagList');
class NewArticleBody {}
ValidateNested()(NewArticleBody.prototype, 'article');
IsNotEmpty()(NewArticleBody.prototype, 'article');
Type(() => NewArticle)(NewArticleBody.prototype, 'article');

class ArticlesController {
  async list(ctx) {
    const limit = wholeNumber(ctx.query.limit, 20, 1, 100);
    const offset = wholeNumber(ctx.query.offset, 0, 0, 2_147_483_647);
    if (limit === undefined || offset === undefined) {
      ctx.status = 422;
      return { errors: { body: ['limit and offset must be whole numbers'] } };
    }
    // MikroORM's driver leaves timestamps as text where pg alone parses them.
    const rows = await execute(LIST, [limit, offset]);
    for (const row of rows) {
      if (row.slug === null) continue;
      row.created_at = new Date(row.created_at);
      row.updated_at = new Date(row.updated_at);
    }
    return toListResponse(rows);
  }

  async create(user, { article }) {
    const tagList = [
      ...new Set((article.tagList ?? []).map((tag) => tag.trim().replace(/\s+/g, ' ').toLowerCase())),
    ].sort();
    const now = new Date();
    const title = article.title.trim();
    const slug = slugOf(title);
    await execute(INSERT, [slug, title, article.description, article.body, arrayLiteral(tagList), user.id, now]);
    return {
      article: {
        slug,
        title,
        description: article.description,
        body: article.body,
        tagList,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        favorited: false,
        favoritesCount: 0,
        author: { username: user.username, bio: user.bio, image: user.image, following: false },
      },
    };
  }
}
Service()(ArticlesController);
JsonController('/api/articles')(ArticlesController);
Get('/')(ArticlesController.prototype, 'list');
Ctx()(ArticlesController.prototype, 'list', 0);
Post('/')(ArticlesController.prototype, 'create');
HttpCode(201)(ArticlesController.prototype, 'create');
Reflect.defineMetadata('design:paramtypes', [Object, NewArticleBody], ArticlesController.prototype, 'create');
CurrentUser({ required: true })(ArticlesController.prototype, 'create', 0);
Body({ required: true })(ArticlesController.prototype, 'create', 1);

class UserController {
  constructor() {
    this.key = createSecretKey(Buffer.from(process.env.JWT_SECRET ?? 'baseline-secret', 'utf8'));
    this.expiresIn = process.env.JWT_EXPIRES_IN ?? '7d';
  }

  current(user) {
    const token = jwt.sign({ username: user.username }, this.key, {
      algorithm: 'HS256',
      subject: String(user.id),
      expiresIn: this.expiresIn,
    });
    return { user: { email: user.email, token, username: user.username, bio: user.bio, image: user.image } };
  }
}
Service()(UserController);
JsonController('/api/user')(UserController);
Get('/')(UserController.prototype, 'current');
CurrentUser({ required: true })(UserController.prototype, 'current', 0);

/** The token's user, read once per request; a token naming nobody is a 401. */
async function currentUserChecker({ context: ctx }) {
  const id = Number(ctx.state.jwt?.sub);
  if (!Number.isInteger(id) || id < 1 || id > 2_147_483_647) return undefined;
  const [user] = await execute(FIND_USER, [id]);
  if (!user) throw new UnauthorizedError('missing or invalid token');
  return user;
}

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('DATABASE_URL is required');
    process.exit(1);
  }
  useContainer(Container);
  const orm = await MikroORM.init({
    clientUrl: databaseUrl,
    entities: [UserSchema],
    pool: { min: 0, max: Number(process.env.DB_POOL_MAX ?? 10) },
    allowGlobalContext: false,
  });
  const key = createSecretKey(Buffer.from(process.env.JWT_SECRET ?? 'baseline-secret', 'utf8'));

  const app = new Koa();
  app.silent = true;
  app.use((_ctx, next) => RequestContext.create(orm.em, next));
  app.use(
    koaJwt({
      secret: key,
      algorithms: ['HS256'],
      key: 'jwt',
      passthrough: true,
      getToken: (ctx) => AUTHORIZATION.exec(ctx.get('authorization'))?.[1] ?? null,
    }),
  );
  useKoaServer(app, {
    controllers: [ArticlesController, UserController],
    classTransformer: true,
    validation: { whitelist: true, forbidUnknownValues: true },
    currentUserChecker,
    development: false,
  });

  serveUntilSignalled(app, Number(process.env.PORT ?? 3002), () => orm.close());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
