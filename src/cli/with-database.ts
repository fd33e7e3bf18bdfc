import type { EntityManager } from '@mikro-orm/postgresql';
import { bootstrap } from '../bootstrap';
import type { Database } from '../db/database';
import { createLogger } from '../logger';
import type { CliContext } from './context';

/**
 * Opens the configured database (DATABASE_URL or the embedded one) for one command, hands it
 * a forked EntityManager, and always closes it: a command never uses the global one.
 */
export async function withDatabase<T>(
  context: CliContext,
  work: (em: EntityManager, database: Database) => Promise<T>,
  options: { migrate?: boolean; snapshot?: boolean } = {},
): Promise<T> {
  const { migrate = false, snapshot } = options;
  const { database } = await bootstrap({
    config: context.config(),
    // A command prints its own output; the log carries only warnings and errors.
    logger: (config) => createLogger({ logLevel: config.logLevel === 'silent' ? 'silent' : 'warn' }),
    migrate,
    database: { snapshot, migrator: true },
    // runCli reports a failure with the command's name.
    reportStartupFailure: false,
  });
  try {
    return await work(database.orm.em.fork(), database);
  } finally {
    await database.close();
  }
}
