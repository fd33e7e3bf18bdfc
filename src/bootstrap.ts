import 'reflect-metadata';
import type Koa from 'koa';
import { type AppConfig, getConfig } from './config/config';
import { type Database, type OpenDatabaseOptions, openDatabase } from './db/database';
import type { AppState } from './http/state';
import { createLogger, type Logger } from './logger';
import { type ErrorReporter, errorReporterFor, FLUSH_TIMEOUT_MS } from './observability/error-reporter';

export interface BootstrapOptions {
  /** The configuration to run with; the process's own (`getConfig()`) when absent. */
  config?: AppConfig;
  /** Builds the logger from the configuration; `createLogger(config)` when absent. */
  logger?: (config: AppConfig) => Logger;
  /**
   * Runs once configuration and logger exist, before any database work: the server binds its
   * port here, so a taken port fails in one line and clients get 503 instead of a refusal.
   */
  beforeDatabase?: (started: {
    config: AppConfig;
    logger: Logger;
    errorReporter: ErrorReporter;
  }) => Promise<void> | void;
  /** Apply pending migrations on open; `config.migrateOnStart` when absent. */
  migrate?: boolean;
  /** Further database options (the specs' SQL log, the CLI's migrator and snapshot). */
  database?: Omit<OpenDatabaseOptions, 'migrate' | 'logger'>;
  /** Opens the database; `openDatabase` when absent (the server waits for it first). */
  open?: (config: AppConfig, options: OpenDatabaseOptions & { logger: Logger }) => Promise<Database>;
  /**
   * Report a failure to open the database (true when absent). The CLI says false: it reports
   * every failure of a command itself, naming the command.
   */
  reportStartupFailure?: boolean;
  /** Build the Koa app too (everything but the CLI and the migrate Lambda). */
  app?: boolean;
}

export interface Bootstrapped {
  config: AppConfig;
  logger: Logger;
  database: Database;
  /** Sentry when SENTRY_DSN is set, else the no-op reporter. */
  errorReporter: ErrorReporter;
  /** Closes the database (and the embedded server under it). */
  close(): Promise<void>;
}

/**
 * The one start-up sequence of every entry point: configuration, logger, database, then the app.
 * Each entry point keeps only what is its own (the server's early bind, the specs' SQL log, the
 * CLI's migrator) as options here.
 */
export async function bootstrap(
  options: BootstrapOptions & { app: true },
): Promise<Bootstrapped & { app: Koa<AppState> }>;
export async function bootstrap(options?: BootstrapOptions): Promise<Bootstrapped & { app?: Koa<AppState> }>;
export async function bootstrap(options: BootstrapOptions = {}): Promise<Bootstrapped & { app?: Koa<AppState> }> {
  const config = options.config ?? getConfig();
  const logger = (options.logger ?? createLogger)(config);
  const errorReporter = await errorReporterFor(config);
  await options.beforeDatabase?.({ config, logger, errorReporter });

  const migrate = options.migrate ?? config.migrateOnStart;
  let database: Database;
  try {
    database = await (options.open ?? openDatabase)(config, { ...options.database, migrate, logger });
  } catch (error) {
    // The process is about to stop (or a Lambda invocation to fail): send the report first.
    if (options.reportStartupFailure ?? true) {
      errorReporter.capture(error, { source: 'startup' });
      await errorReporter.flush(FLUSH_TIMEOUT_MS);
    }
    throw error;
  }
  const close = () => database.close();
  if (!options.app) return { config, logger, database, errorReporter, close };

  try {
    // Loaded only for entry points that serve: the CLI never pulls in Koa and the controllers.
    const { createApp } = await import('./app');
    const app = createApp({ config, logger, orm: database.orm, errorReporter });
    return { config, logger, database, errorReporter, app, close };
  } catch (error) {
    await database.close();
    throw error;
  }
}
