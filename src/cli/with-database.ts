import type { EntityManager } from '@mikro-orm/postgresql';
import { getConfig } from '../config/config';
import { type Database, openDatabase } from '../db/database';
import { createLogger } from '../logger';

/**
 * Opens the configured database (DATABASE_URL or the embedded one) for one command, hands it
 * a forked EntityManager, and always closes it: a command never uses the global one.
 */
export async function withDatabase<T>(
  work: (em: EntityManager, database: Database) => Promise<T>,
  options: { migrate?: boolean; snapshot?: boolean } = {},
): Promise<T> {
  const config = getConfig();
  const logger = createLogger({ logLevel: config.logLevel === 'silent' ? 'silent' : 'warn' });
  const database = await openDatabase(config, { ...options, migrator: true, logger });
  try {
    return await work(database.orm.em.fork(), database);
  } finally {
    await database.close();
  }
}
