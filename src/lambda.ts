import 'reflect-metadata';
import type Koa from 'koa';
import serverless from 'serverless-http';
import { errorReporterOf } from './app';
import { type BootstrapOptions, type Bootstrapped, bootstrap } from './bootstrap';
import { readConfig } from './config/config';
import { type ErrorReporter, FLUSH_TIMEOUT_MS } from './observability/error-reporter';
import { failOnUnhandledRejections } from './process-errors';

/**
 * AWS Lambda entry point: the same `createApp()` as the HTTP server, behind serverless-http, for
 * API Gateway HTTP API (payload 2.0) and REST API (1.0) events.
 *
 * The app and the ORM are built once per container, on the first event, and reused by every
 * later invocation (a cached promise, never `MikroORM.init` per request). A failed start is not
 * cached, so the next event tries again.
 *
 * Migrations do not run here unless MIGRATE_ON_START is set true explicitly (the config's
 * default is false here, true elsewhere): many cold starts at once must not race to migrate. Run
 * them with the `migrate` function (src/lambda-migrate.ts) or `npm run migration:up` from a
 * deploy job.
 */

export interface LambdaEvent {
  version?: string;
  rawPath?: string;
  path?: string;
  requestContext?: { stage?: string };
  [key: string]: unknown;
}

export interface LambdaContext {
  callbackWaitsForEmptyEventLoop?: boolean;
  [key: string]: unknown;
}

export type LambdaHandler = (event: LambdaEvent, context: LambdaContext) => Promise<unknown>;

/** Responses whose bytes API Gateway must receive base64-encoded. */
export function isBinaryResponse(headers: Record<string, unknown>): boolean {
  // Any content coding makes bytes, whichever it is: koa-compress picks zstd on Node 22.15+ for
  // a browser that offers it, and a zstd body sent as text reached the browser corrupted.
  const encoding = String(headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  if (encoding !== '' && encoding !== 'identity') return true;
  const type = String(headers['content-type'] ?? '')
    .split(';')[0]
    .trim();
  if (type === '') return false;
  return !/^text\/|^application\/(json|.*\+json|xml|.*\+xml|javascript|x-www-form-urlencoded)$/.test(type);
}

/**
 * An HTTP API on a named stage puts the stage in `rawPath` (`/prod/api/tags`); the app's routes
 * start at `/`. REST API events (1.0) carry `path` without the stage already.
 */
export function stripStagePrefix(url: string, event: LambdaEvent): string {
  const stage = event.requestContext?.stage;
  if (event.version !== '2.0' || !stage || stage === '$default') return url;
  const prefix = `/${stage}`;
  if (url === prefix) return '/';
  if (url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`)) return url.slice(prefix.length) || '/';
  return url;
}

/** What serverless-offline puts in `requestContext.requestId` of every HTTP API event. */
const OFFLINE_CONSTANT_REQUEST_ID = 'offlineContext_resourceId';

/**
 * Wraps the app that `loadApp` builds as a Lambda handler. `loadApp` runs once, on the first
 * event, or at once with `eager`; if it fails, the next event calls it again.
 *
 * Error reports (the app's 5xx, or a failure of serverless-http itself) are flushed before each
 * invocation returns: AWS freezes the container as soon as it does, and a report still in the
 * send queue would leave only when (if ever) the container is thawed again.
 */
export function createLambdaHandler(loadApp: () => Promise<Koa>, options: { eager?: boolean } = {}): LambdaHandler {
  let wrapped: Promise<{ serve: serverless.Handler; reporter: ErrorReporter }> | undefined;
  const wrap = () => {
    wrapped ??= loadApp()
      .then((app) => ({
        reporter: errorReporterOf(app),
        serve: serverless(app, {
          binary: isBinaryResponse,
          request(request: { url: string; headers: Record<string, unknown> }, event: LambdaEvent) {
            request.url = stripStagePrefix(request.url, event);
            // serverless-http passes the event's request id on as x-request-id; serverless-offline
            // gives every event the same one, which would make every log line claim one request.
            if (request.headers['x-request-id'] === OFFLINE_CONSTANT_REQUEST_ID) delete request.headers['x-request-id'];
          },
        }),
      }))
      .catch((error: unknown) => {
        wrapped = undefined;
        throw error;
      });
    return wrapped;
  };
  // An eager start that fails is retried by the first event, which then reports the error.
  if (options.eager) wrap().catch(() => undefined);

  return async (event, context) => {
    // The ORM pool keeps sockets open; the invocation must not wait for them to close.
    context.callbackWaitsForEmptyEventLoop = false;
    // A failed start was reported (and flushed) by bootstrap.
    const { serve, reporter } = await wrap();
    try {
      return await serve(event, context);
    } catch (error) {
      reporter.capture(error, { source: 'lambda' });
      throw error;
    } finally {
      if (reporter.enabled) await reporter.flush(FLUSH_TIMEOUT_MS);
    }
  };
}

let watchingRejections = false;

/** Configuration, database and app for one Lambda container. */
async function startContainer(): Promise<Koa> {
  const { config, logger, database, app } = await bootstrap({
    config: readConfig({ migrateOnStart: false }),
    // Once per container, though a failed start runs this again on the next event.
    beforeDatabase({ logger }) {
      if (!watchingRejections) failOnUnhandledRejections(logger);
      watchingRejections = true;
    },
    app: true,
  });
  logger.info({ database: database.description, migrated: config.migrateOnStart }, 'lambda container ready');
  return app;
}

/**
 * The deployed handler (`dist/lambda/api.handler`, bundled from this file). On Lambda (and
 * serverless-offline) the app starts building while the module loads, in the init phase, which
 * AWS runs before the first event with a full CPU; elsewhere (specs importing this file) nothing
 * starts until an event.
 */
export const handler: LambdaHandler = createLambdaHandler(startContainer, {
  eager: Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME),
});

/** A handler on a container of its own, and how to close that container's database. */
export interface OwnLambdaHandler {
  handler: LambdaHandler;
  close(): Promise<void>;
}

/**
 * The handler as deployed, but started with the given configuration and database options instead
 * of the environment's: the specs run the whole suite through the bundle this way
 * (`SPEC_LAMBDA_BUNDLE=1`), on their own database and with their SQL statement log.
 */
export function lambdaHandlerWith(options: Pick<BootstrapOptions, 'config' | 'database'>): OwnLambdaHandler {
  let started: Bootstrapped | undefined;
  const handler = createLambdaHandler(async () => {
    const { app, ...rest } = await bootstrap({ ...options, migrate: false, app: true });
    started = rest;
    return app;
  });
  return { handler, close: async () => started?.close() };
}
