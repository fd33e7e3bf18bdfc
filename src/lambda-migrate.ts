import 'reflect-metadata';
import { bootstrap } from './bootstrap';
import { withMigrationLock } from './db/migration-lock';

/**
 * A Lambda function that applies pending migrations, invoked once per deploy
 * (`osls invoke -f migrate`), so API cold starts never race to migrate.
 */
export async function handler(): Promise<{ applied: string[] }> {
  // The migrator applies them below, so their names can be logged and returned.
  const { config, logger, database } = await bootstrap({ migrate: false, database: { migrator: true } });
  try {
    // Two deploys invoking it at once apply each migration once.
    const applied = await withMigrationLock(config.databaseUrl, () => database.orm.getMigrator().up());
    logger.info({ applied: applied.map((m) => m.name) }, 'migrations applied');
    return { applied: applied.map((m) => m.name) };
  } finally {
    await database.close();
  }
}
