import type { Server } from 'node:http';
import type Koa from 'koa';
import supertest from 'supertest';
import { bootstrap } from '../../src/bootstrap';
import { type AppConfig, getConfig } from '../../src/config/config';
import type { Database } from '../../src/db/database';
import {
  DatabaseOwnershipError,
  databaseNameOf,
  dropAbandonedDatabases,
  dropOwnedDatabase,
  recreateOwnedDatabase,
  setDatabaseStatementTimeout,
} from '../../src/db/server-databases';
import { createLambdaHandler, type OwnLambdaHandler } from '../../src/lambda';
import { checkResponse, exchangeOf } from './api-contracts';
import { serverUrl, testDatabaseName } from './env';
import { lambdaBridge } from './lambda-bridge';
import { bundledLambdaHandler } from './lambda-bundle';
import { SqlLog } from './sql-log';

/** The one app, database and SQL log that every spec in the run shares. */
export interface TestEnvironment {
  config: AppConfig;
  database: Database;
  app: Koa;
  sqlLog: SqlLog;
  /** `http` (default): supertest on the app; `lambda`: the same requests through the Lambda handler. */
  transport: 'http' | 'lambda';
  /**
   * With SPEC_LAMBDA_BUNDLE=1 (and the lambda transport): the deployed bundle's handler, in a
   * process of its own, on this database and SQL log (spec/support/lambda-bundle.ts).
   */
  bundle?: OwnLambdaHandler;
  /** What supertest sends requests to. */
  target: ReturnType<Koa['callback']> | Server;
}

let environment: TestEnvironment | undefined;

export async function startTestEnvironment(): Promise<TestEnvironment> {
  const config = getConfig();
  if (config.databaseUrl) await createSpecDatabase(config);
  const sqlLog = new SqlLog();
  const { database, app } = await bootstrap({
    config,
    migrate: true,
    database: { orm: { debug: ['query'], logger: (message) => sqlLog.record(message) } },
    app: true,
  });
  const transport = process.env.SPEC_TRANSPORT === 'lambda' ? 'lambda' : 'http';
  const bundle =
    transport === 'lambda' && process.env.SPEC_LAMBDA_BUNDLE === '1'
      ? bundledLambdaHandler(config, database.url, sqlLog)
      : undefined;
  const target =
    transport === 'lambda' ? lambdaBridge(bundle?.handler ?? createLambdaHandler(async () => app)) : app.callback();
  environment = { config, database, app, sqlLog, transport, target, bundle };
  return environment;
}

export async function stopTestEnvironment(): Promise<void> {
  const current = environment;
  environment = undefined;
  await current?.bundle?.close();
  await current?.database.close();
  const adminUrl = current && adminUrlOf(current.config);
  if (adminUrl) await dropOwnedDatabase(adminUrl);
}

/** The purpose written in the ownership mark of the suite's databases. */
export const SPEC_DATABASE_PURPOSE = 'spec';

/**
 * The suite's own database on the server: never the one DATABASE_URL names, never one that the
 * suite did not create (recreateOwnedDatabase refuses both with a message).
 */
async function createSpecDatabase(config: AppConfig): Promise<void> {
  const url = adminUrlOf(config) as string;
  if (serverUrl && databaseNameOf(serverUrl) === testDatabaseName) {
    throw new DatabaseOwnershipError(
      `TEST_DATABASE_NAME "${testDatabaseName}" is the database DATABASE_URL names; the suite drops and ` +
        'recreates its database, so it must be another one.',
    );
  }
  // Databases of earlier runs that were killed before their teardown.
  await dropAbandonedDatabases(url, SPEC_DATABASE_PURPOSE);
  await recreateOwnedDatabase(url, SPEC_DATABASE_PURPOSE);
  // Behind a transaction pooler the app's connections cannot carry their statement_timeout: the
  // database gives it to them, as an operator's ALTER ROLE/DATABASE would in production.
  if (config.databasePooler !== 'none') await setDatabaseStatementTimeout(url, config.dbStatementTimeoutMs);
}

/**
 * Where the suite creates and drops its database: PostgreSQL itself (DATABASE_DIRECT_URL) when the
 * app's DATABASE_URL goes through a pooler, which would keep server connections to it open.
 */
function adminUrlOf(config: AppConfig): string | undefined {
  return config.databaseDirectUrl ?? config.databaseUrl;
}

export function isTestEnvironmentStarted(): boolean {
  return environment !== undefined;
}

export function testEnvironment(): TestEnvironment {
  if (!environment) throw new Error('the test environment is not started (see spec/support/global-setup.ts)');
  return environment;
}

const METHODS = ['get', 'post', 'put', 'delete', 'patch', 'head', 'options'] as const;

/**
 * supertest against the app: directly on its request handler (the stack the server runs), or,
 * with SPEC_TRANSPORT=lambda, through the Lambda handler via API Gateway events.
 *
 * Every response is checked against the generated OpenAPI document (and the RealWorld contract
 * when present): a status the operation does not document, or a body that does not match its
 * schema, fails the spec that received it (see the root hooks in global-setup.ts).
 */
export function api(target: TestEnvironment['target'] = testEnvironment().target) {
  const agent = supertest(target);
  for (const method of METHODS) {
    const send = agent[method].bind(agent);
    agent[method] = (url: string) => {
      const test = send(url);
      test.on('response', (response) => checkResponse(exchangeOf(method, url, response)));
      return test;
    };
  }
  return agent;
}

/**
 * What supertest sends requests to for another app (one with its own configuration): the app
 * itself, or with SPEC_TRANSPORT=lambda, a Lambda handler around it, like the suite's own app.
 */
export function targetOf(app: Koa): TestEnvironment['target'] {
  return testEnvironment().transport === 'lambda' ? lambdaBridge(createLambdaHandler(async () => app)) : app.callback();
}

/** A forked EntityManager for arranging and inspecting rows outside a request. */
export function em() {
  return testEnvironment().database.orm.em.fork();
}
