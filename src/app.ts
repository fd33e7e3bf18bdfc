import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import Koa from 'koa';
import compress from 'koa-compress';
import { type Action, type ClassConstructor, type IocAdapter, useContainer, useKoaServer } from 'routing-controllers';
import type { ContainerInstance } from 'typedi';
import type { AppConfig } from './config/config';
import { createContainer } from './container';
import { GRAPHQL_PATH, graphqlEndpoint } from './graphql/endpoint';
import { authCheckers, jwtMiddleware } from './http/auth';
import { cors } from './http/cors';
import { errorHandler } from './http/error-handler';
import { jsonBody } from './http/json-body';
import { jsonResponse } from './http/json-response';
import { ormRequestContext } from './http/request-context';
import { requestLog } from './http/request-log';
import type { AppContext, AppState } from './http/state';
import { urlGuard } from './http/url-guard';
import type { Logger } from './logger';
import { ArticlesController } from './modules/articles/articles.controller';
import { AuthController } from './modules/auth/auth.controller';
import { CommentsController } from './modules/comments/comments.controller';
import { HealthController } from './modules/health/health.controller';
import { ProfilesController } from './modules/profiles/profiles.controller';
import { TagsController } from './modules/tags/tags.controller';
import { UserRepository } from './modules/users/user.repository';
import { UsersController } from './modules/users/users.controller';

/** Every controller, listed explicitly: a glob finds nothing in a compiled or bundled build. */
export const controllers = [
  HealthController,
  AuthController,
  UsersController,
  ProfilesController,
  ArticlesController,
  CommentsController,
  TagsController,
];

export interface AppDependencies {
  config: AppConfig;
  logger: Logger;
  orm: MikroORM;
}

/** Each app's own container, found from a request through `ctx.app`. */
const appContainers = new WeakMap<Koa<AppState>, ContainerInstance>();

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
export function createApp({ config, logger, orm }: AppDependencies): Koa<AppState> {
  const container = createContainer({ config, logger, orm });
  // Before the controllers are registered; the same adapter every time.
  useContainer(perAppContainers);

  const app = new Koa<AppState>({ proxy: true });
  appContainers.set(app, container);
  // Koa would print errors it sees to stderr; ours never reach it, and the ones that do (a
  // client hanging up mid-response) are not worth a stack trace.
  app.silent = true;

  app.use(requestLog(logger));
  app.use(errorHandler(logger));
  app.use(cors(config.corsOrigins));
  // gzip/brotli for clients that ask, above 1 KiB: article lists shrink ~5x. On Lambda the
  // compressed body goes out base64-encoded (see lambda.ts).
  app.use(compress({ threshold: 1024 }));
  app.use(jsonResponse());
  app.use(urlGuard());
  // /graphql reads its own body (its own cap, errors in GraphQL's shape): see graphqlEndpoint.
  const readJsonBody = jsonBody(config.bodyLimit);
  app.use((ctx, next) => (ctx.path === GRAPHQL_PATH ? next() : readJsonBody(ctx, next)));
  app.use(jwtMiddleware(config));
  app.use(ormRequestContext(orm));

  const users = container.get(UserRepository);
  const { authorizationChecker, currentUserChecker } = authCheckers((id) => users.findOne({ id }));

  app.use(
    graphqlEndpoint({
      limits: config.graphql,
      container,
      logger,
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
