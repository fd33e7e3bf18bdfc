import 'reflect-metadata';
import type { Server } from 'node:http';
import { createApp } from './app';
import { ConfigError, getConfig } from './config/config';
import { openDatabase } from './db/database';
import { createLogger } from './logger';

/**
 * The long-lived HTTP server: the only place that listens on a port. Stops gracefully on SIGINT
 * and SIGTERM: no new connections, in-flight requests finish, then the ORM and the embedded
 * database close.
 */
async function main() {
  const config = getConfig();
  const logger = createLogger(config);
  const database = await openDatabase(config, { migrate: config.migrateOnStart, logger });
  logger.info({ database: database.description, migrated: config.migrateOnStart }, 'database ready');

  const app = createApp({ config, logger, orm: database.orm });
  const server: Server = app.listen(config.port, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ port, env: config.nodeEnv }, `listening on http://127.0.0.1:${port}`);
  });
  // Long enough for a slow client, short enough that a stuck one cannot hold a shutdown open.
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const forceExit = setTimeout(() => {
      logger.error('in-flight requests did not finish within 10 s; exiting');
      process.exit(1);
    }, 10_000);
    forceExit.unref();
    server.close(async () => {
      await database.close();
      logger.info('stopped');
      process.exit(0);
    });
    // Idle keep-alive sockets would hold server.close() open; busy ones finish their request.
    server.closeIdleConnections();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('failed to start:', error);
  }
  process.exit(1);
});
