import 'reflect-metadata';
import { getConfig } from './config/config';
import { openDatabase } from './db/database';
import { createLogger } from './logger';

/**
 * A Lambda function that applies pending migrations, invoked once per deploy
 * (`osls invoke -f migrate`), so API cold starts never race to migrate.
 */
export async function handler(): Promise<{ applied: string[] }> {
  const config = getConfig();
  const logger = createLogger(config);
  const database = await openDatabase(config, { logger, migrator: true });
  try {
    const applied = await database.orm.getMigrator().up();
    logger.info({ applied: applied.map((m) => m.name) }, 'migrations applied');
    return { applied: applied.map((m) => m.name) };
  } finally {
    await database.close();
  }
}
