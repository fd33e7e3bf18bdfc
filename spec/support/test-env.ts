import type Koa from 'koa';
import supertest from 'supertest';
import { createApp } from '../../src/app';
import { type AppConfig, getConfig } from '../../src/config/config';
import { type Database, openDatabase } from '../../src/db/database';
import { recreateDatabase } from '../../src/db/server-databases';
import { createLogger } from '../../src/logger';
import { SqlLog } from './sql-log';

/** The one app, database and SQL log that every spec in the run shares. */
export interface TestEnvironment {
  config: AppConfig;
  database: Database;
  app: Koa;
  sqlLog: SqlLog;
}

let environment: TestEnvironment | undefined;

export async function startTestEnvironment(): Promise<TestEnvironment> {
  const config = getConfig();
  if (config.databaseUrl) await recreateDatabase(config.databaseUrl);
  const sqlLog = new SqlLog();
  const logger = createLogger(config);
  const database = await openDatabase(config, {
    migrate: true,
    orm: { debug: ['query'], logger: (message) => sqlLog.record(message) },
  });
  const app = createApp({ config, logger, orm: database.orm });
  environment = { config, database, app, sqlLog };
  return environment;
}

export async function stopTestEnvironment(): Promise<void> {
  await environment?.database.close();
  environment = undefined;
}

export function testEnvironment(): TestEnvironment {
  if (!environment) throw new Error('the test environment is not started (see spec/support/global-setup.ts)');
  return environment;
}

/** supertest against the app's request handler: the same stack the server runs, minus the socket. */
export function api() {
  return supertest(testEnvironment().app.callback());
}

/** A forked EntityManager for arranging and inspecting rows outside a request. */
export function em() {
  return testEnvironment().database.orm.em.fork();
}
