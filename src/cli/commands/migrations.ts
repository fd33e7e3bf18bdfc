import type { Command } from 'commander';
import { withDatabase } from '../with-database';

/**
 * Alembic's workflow on MikroORM's migrator: `migration:create` diffs the entities against the
 * last schema snapshot and writes a migration; `up`/`down` apply or revert; `check` fails when
 * entities changed without a migration.
 */
// These commands keep migrations/.snapshot-conduit.json (the schema the next diff starts from) current.
const MIGRATION_COMMAND = { snapshot: true };

export function registerMigrationCommands(program: Command): void {
  program
    .command('migration:create')
    .description('generate a migration from the difference between the entities and the schema snapshot')
    .option('-n, --name <name>', 'a short name for the migration, e.g. add_articles')
    .option('--blank', 'write an empty migration to fill in by hand')
    .action(async (options: { name?: string; blank?: boolean }) => {
      if (options.name !== undefined && !/^[a-z0-9_]+$/i.test(options.name)) {
        throw new CliError('--name may contain only letters, digits and "_"');
      }
      await withDatabase(async (_em, { orm }) => {
        const migrator = orm.getMigrator();
        // The diff is taken against a schema with every earlier migration applied.
        await migrator.up();
        const result = await migrator.createMigration(undefined, Boolean(options.blank), false, options.name);
        if (!result.fileName) {
          console.log('No changes: the entities match the schema; no migration written.');
          return;
        }
        console.log(`Wrote migrations/${result.fileName}`);
        for (const statement of result.diff.up) console.log(`  ${statement}`);
      }, MIGRATION_COMMAND);
    });

  program
    .command('migration:up')
    .description('apply every pending migration')
    .action(async () => {
      await withDatabase(async (_em, { orm }) => {
        const applied = await orm.getMigrator().up();
        console.log(applied.length ? `Applied ${applied.map((m) => m.name).join(', ')}` : 'Nothing to apply.');
      }, MIGRATION_COMMAND);
    });

  program
    .command('migration:down')
    .description('revert the most recent migration')
    .action(async () => {
      await withDatabase(async (_em, { orm }) => {
        const reverted = await orm.getMigrator().down();
        console.log(reverted.length ? `Reverted ${reverted.map((m) => m.name).join(', ')}` : 'Nothing to revert.');
      }, MIGRATION_COMMAND);
    });

  program
    .command('migration:check')
    .description('exit non-zero when the entities have changes that no migration captures')
    .action(async () => {
      await withDatabase(async (_em, { orm }) => {
        const migrator = orm.getMigrator();
        await migrator.up();
        if (await migrator.checkMigrationNeeded()) {
          throw new CliError(
            'The entities differ from the migrations: run `npm run migration:create -- --name <name>`.',
          );
        }
        console.log('Migrations are up to date with the entities.');
      }, MIGRATION_COMMAND);
    });
}

/** An expected failure: printed as a message without a stack trace, exit code 1. */
export class CliError extends Error {}
