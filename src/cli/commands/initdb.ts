import type { Command } from 'commander';
import { databaseNameOf, ensureDatabase } from '../../db/server-databases';
import type { CliContext } from '../context';
import { withDatabase } from '../with-database';

/** `flask initdb`: create the database when it is missing, then apply every migration. */
export function registerInitdbCommand(program: Command, context: CliContext): void {
  program
    .command('initdb')
    .description('create the database if missing and apply every migration')
    .action(async () => {
      // Past the pooler when there is one: CREATE DATABASE is the server's business.
      const { databaseUrl: pooledUrl, databaseDirectUrl } = context.config();
      const databaseUrl = databaseDirectUrl ?? pooledUrl;
      if (databaseUrl) {
        const created = await ensureDatabase(databaseUrl);
        console.log(`${created ? 'Created' : 'Found'} database "${databaseNameOf(databaseUrl)}".`);
      }
      await withDatabase(context, async (_em, database) => {
        const pending = await database.orm.getMigrator().getPendingMigrations();
        await database.orm.getMigrator().up();
        console.log(`${database.description}: applied ${pending.length} migration(s); schema is current.`);
      });
    });
}
