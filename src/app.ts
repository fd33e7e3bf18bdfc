import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import Koa from 'koa';
import compress from 'koa-compress';
import { type Action, type ClassConstructor, type IocAdapter, useContainer, useKoaServer } from 'routing-controllers';
import type { ContainerInstance } from 'typedi';
import type { AppConfig } from './config/config';
import { ERROR_REPORTER } from './config/tokens';
import { createContainer } from './container';
import { ReplicaReads } from './db/replica-reads';
import { GRAPHQL_PATH, graphqlEndpoint } from './graphql/endpoint';
import { authCheckers, jwtMiddleware } from './http/auth';
import { conditionalGet } from './http/conditional-get';
import { cors } from './http/cors';
import { errorHandler } from './http/error-handler';
import { formBody } from './http/form-body';
import { idempotentPosts } from './http/idempotency';
import { jsonBody } from './http/json-body';
import { jsonResponse } from './http/json-response';
import { noStore, oauthErrorShape } from './http/oauth-errors';
import { ApiDocument } from './http/openapi/api-document';
import { rateLimits } from './http/rate-limits';
import { ormRequestContext } from './http/request-context';
import { requestLog } from './http/request-log';
import { ServerErrors } from './http/server-errors';
import type { AppContext, AppState } from './http/state';
import { urlGuard } from './http/url-guard';
import type { Logger } from './logger';
import { ArticlesController } from './modules/articles/articles.controller';
import { AuthController } from './modules/auth/auth.controller';
import { CommentsController } from './modules/comments/comments.controller';
import { DocsController } from './modules/docs/docs.controller';
import { HealthController } from './modules/health/health.controller';
import { IdempotencyService } from './modules/idempotency/idempotency.service';
import { RateLimits } from './modules/limits/rate-limits.service';
import { OAUTH_REVOKE_PATH, OAUTH_TOKEN_PATH, OAuthController } from './modules/oauth/oauth.controller';
import { ProfilesController } from './modules/profiles/profiles.controller';
import { TagsController } from './modules/tags/tags.controller';
import { UserRepository } from './modules/users/user.repository';
import { UsersController } from './modules/users/users.controller';
import { type ErrorReporter, noopErrorReporter } from './observability/error-reporter';

/** Every controller, listed explicitly: a glob finds nothing in a compiled or bundled build. */
export const controllers = [
  HealthController,
  AuthController,
  UsersController,
  ProfilesController,
  ArticlesController,
  CommentsController,
  TagsController,
  OAuthController,
  DocsController,
];

const OAUTH_PATHS = [OAUTH_TOKEN_PATH, OAUTH_REVOKE_PATH];

export interface AppDependencies {
  config: AppConfig;
  logger: Logger;
  orm: MikroORM;
  /** Where 5xx are reported; none (the no-op reporter) when absent. */
  errorReporter?: ErrorReporter;
}

/** Each app's own container, found from a request through `ctx.app`. */
const appContainers = new WeakMap<Koa<AppState>, ContainerInstance>();

/** The reporter an app from createApp() was built with (the Lambda handler flushes it). */
export function errorReporterOf(app: Koa): ErrorReporter {
  return appContainers.get(app as Koa<AppState>)?.get(ERROR_REPORTER) ?? noopErrorReporter;
}

/**
 * routing-controllers has one IoC adapter per process, but hands it the action being served:
 * controllers come from the container of the app that received the request, so apps built side
 * by side (different configurations) never share a controller or a service.
 */
const perAppContainers: IocAdapter = {
  get<T>(someClass: ClassConstructor<T>, action?: Action): T {
    // The Koa context of the request (routing-controllers types it `any`).
    const ctx: AppContext | undefined = action?.context;
    const container = ctx && appContainers.get(ctx.app);
    // Never fall back to a process-wide instance: that is the sharing this adapter prevents.
    if (!container) throw new Error(`${someClass.name} was requested outside a request to an app from createApp()`);
    return container.get(someClass);
  },
};

/**
 * The composition root: the one Koa app that the HTTP server, the specs and the Lambda handler
 * all serve. Middleware runs outermost first. Re-entrant: every call builds its own services.
 */
export function createApp({ config, logger, orm, errorReporter = noopErrorReporter }: AppDependencies): Koa<AppState> {
  const container = createContainer({ config, logger, orm, errorReporter });
  // Generated from the controllers' decorators on the first GET /openapi.json, then cached. The
  // generator (routing-controllers-openapi, class-validator-jsonschema) is loaded only then, not
  // at start-up: a Lambda cold start does not pay for it.
  container.set(
    ApiDocument,
    new ApiDocument(() => {
      const { buildOpenApiDocument } = require('./http/openapi/document') as typeof import('./http/openapi/document');
      return buildOpenApiDocument(controllers);
    }),
  );
  // Before the controllers are registered; the same adapter every time.
  useContainer(perAppContainers);

  // X-Forwarded-For names the client only behind proxies we were told about (TRUST_PROXY hops,
  // read from the right: the leftmost entries are whatever the client wrote). Without, the client
  // is the socket's peer; on Lambda, serverless-http makes that API Gateway's sourceIp.
  const app = new Koa<AppState>({ proxy: config.trustProxyHops > 0, maxIpsCount: config.trustProxyHops });
  appContainers.set(app, container);
  // Koa would print errors it sees to stderr; ours never reach it, and the ones that do (a
  // client hanging up mid-response) are not worth a stack trace.
  app.silent = true;

  app.use(requestLog(logger));
  app.use(noStore(OAUTH_PATHS));
  // One per app: REST and GraphQL log and report a failure (and an outage, once) the same way.
  const serverErrors = new ServerErrors(logger, container.get(ERROR_REPORTER));
  app.use(errorHandler(serverErrors, [oauthErrorShape(OAUTH_PATHS)]));
  app.use(cors(config.corsOrigins));
  // gzip/brotli (and zstd on Node 22.15+) for clients that ask, above 1 KiB: article lists shrink
  // ~5x. On Lambda the compressed body goes out base64-encoded (see lambda.ts).
  app.use(compress({ threshold: 1024 }));
  app.use(conditionalGet());
  app.use(jsonResponse());
  app.use(urlGuard());
  // /graphql reads its own body (its own cap, errors in GraphQL's shape): see graphqlEndpoint.
  const readJsonBody = jsonBody(config.bodyLimit);
  app.use((ctx, next) => (ctx.path === GRAPHQL_PATH ? next() : readJsonBody(ctx, next)));
  // Forms only where OAuth clients send them; anywhere else a form stays an empty body.
  const readForm = formBody(config.bodyLimit);
  app.use((ctx, next) => (ctx.path.toLowerCase().startsWith('/oauth/') ? readForm(ctx, next) : next()));
  app.use(jwtMiddleware(config));
  app.use(ormRequestContext(orm, container.get(ReplicaReads)));
  // After the body is read (it names the account), before routing (before any password is hashed).
  app.use(rateLimits(container.get(RateLimits)));
  // Inside the request context (its records go through the ORM), after the token and body.
  const idempotency = container.get(IdempotencyService);
  app.use(idempotentPosts(() => idempotency));

  const users = container.get(UserRepository);
  const { authorizationChecker, currentUserChecker } = authCheckers((id) => users.findById(id));

  app.use(
    graphqlEndpoint({
      limits: config.graphql,
      container,
      serverErrors,
      // The same lookup (and per-request cache) as @CurrentUser on the REST routes.
      currentUser: (ctx) => currentUserChecker({ request: ctx.request, response: ctx.response, context: ctx }),
    }),
  );

  useKoaServer(app, {
    controllers,
    defaultErrorHandler: false,
    classTransformer: true,
    validation: {
      whitelist: true,
      forbidUnknownValues: true,
      stopAtFirstError: true,
      validationError: { target: false, value: false },
    },
    authorizationChecker,
    currentUserChecker,
  });

  return app;
}
