import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Command } from 'commander';
import type { AppConfig } from '../../config/config';
import { openDatabase } from '../../db/database';
import { withMigrationLock } from '../../db/migration-lock';
import type { CliContext } from '../context';
import { withDatabase } from '../with-database';

/**
 * Alembic's workflow on MikroORM's migrator: `migration:create` diffs the entities against the
 * last schema snapshot and writes a migration; `up`/`down` apply or revert; `check` fails when
 * entities changed without a migration, and changes no database to find out.
 */
// These commands keep migrations/.snapshot-conduit.json (the schema the next diff starts from) current.
const MIGRATION_COMMAND = { snapshot: true };

export function registerMigrationCommands(program: Command, context: CliContext): void {
  program
    .command('migration:create')
    .description('generate a migration from the difference between the entities and the schema snapshot')
    .option('-n, --name <name>', 'a short name for the migration, e.g. add_articles')
    .option('--blank', 'write an empty migration to fill in by hand')
    .action(async (options: { name?: string; blank?: boolean }) => {
      if (options.name !== undefined && !/^[a-z0-9_]+$/i.test(options.name)) {
        throw new CliError('--name may contain only letters, digits and "_"');
      }
      await withDatabase(
        context,
        async (_em, { orm }) => {
          // The diff is taken against a schema with every earlier migration applied.
          await orm.getMigrator().up();
          const written = await createFormattedMigration(orm, { blank: Boolean(options.blank), name: options.name });
          if (!written) {
            console.log('No changes: the entities match the schema; no migration written.');
            return;
          }
          console.log(`Wrote ${path.relative(process.cwd(), written.file)}`);
          for (const statement of written.statements) console.log(`  ${statement}`);
        },
        MIGRATION_COMMAND,
      );
    });

  program
    .command('migration:up')
    .description('apply every pending migration')
    .action(async () => {
      await withDatabase(
        context,
        async (_em, { orm }) => {
          // Beside servers starting with MIGRATE_ON_START: each migration applied once.
          const applied = await withMigrationLock(context.config().databaseUrl, () => orm.getMigrator().up());
          console.log(applied.length ? `Applied ${applied.map((m) => m.name).join(', ')}` : 'Nothing to apply.');
        },
        MIGRATION_COMMAND,
      );
    });

  program
    .command('migration:down')
    .description('revert the most recent migration')
    .action(async () => {
      await withDatabase(
        context,
        async (_em, { orm }) => {
          const reverted = await orm.getMigrator().down();
          console.log(reverted.length ? `Reverted ${reverted.map((m) => m.name).join(', ')}` : 'Nothing to revert.');
        },
        MIGRATION_COMMAND,
      );
    });

  program
    .command('migration:check')
    .description('exit non-zero when the entities have changes that no migration captures (read-only)')
    .action(async () => {
      if (await migrationNeeded(context.config())) {
        throw new CliError('The entities differ from the migrations: run `npm run migration:create -- --name <name>`.');
      }
      console.log('Migrations are up to date with the entities.');
      const pending = await pendingOnConfiguredDatabase(context.config());
      if (pending === undefined) return;
      console.log(
        pending.length
          ? `Pending on the configured database: ${pending.join(', ')} (apply with \`npm run migration:up\`).`
          : 'The configured database has every migration applied.',
      );
    });
}

/**
 * Whether the entities differ from what the migrations build. Answered on a private, in-memory
 * embedded PostgreSQL that the migrations are applied to and then thrown away, so a check never
 * changes the database the configuration names (nor needs one).
 */
export async function migrationNeeded(config: AppConfig): Promise<boolean> {
  const scratch = await openDatabase(
    { ...config, databaseUrl: undefined, embeddedDataDir: 'memory://', dbPoolMax: 2 },
    { migrate: true },
  );
  try {
    return await scratch.orm.getMigrator().checkMigrationNeeded();
  } finally {
    await scratch.close();
  }
}

/**
 * The migrations not yet applied to the configured database, read without writing (the migrator's
 * own listing creates its bookkeeping table). Undefined when there is nothing to read: the
 * embedded database (its folder is not opened, another process may own it) or no server answer.
 */
async function pendingOnConfiguredDatabase(config: AppConfig): Promise<string[] | undefined> {
  if (!config.databaseUrl) return undefined;
  const database = await openDatabase(config, { migrator: true }).catch(() => undefined);
  if (!database) return undefined;
  try {
    const connection = database.orm.em.getConnection();
    const [{ found }] = await connection.execute<{ found: string | null }[]>(
      `select to_regclass('mikro_orm_migrations')::text as found`,
    );
    const applied = found
      ? new Set(
          (await connection.execute<{ name: string }[]>('select name from mikro_orm_migrations')).map((row) =>
            row.name.replace(/\.[jt]s$/, ''),
          ),
        )
      : new Set<string>();
    const options = database.orm.config.get('migrations');
    const folder = (database.orm.config.get('preferTs') ? options.pathTs : options.path) ?? 'migrations';
    return fs
      .readdirSync(folder)
      .filter((file) => /^Migration\w*\.[jt]s$/.test(file) && !file.endsWith('.d.ts'))
      .map((file) => file.replace(/\.[jt]s$/, ''))
      .filter((name) => !applied.has(name))
      .sort();
  } finally {
    await database.close();
  }
}

/**
 * Generates a migration from the schema diff (or a blank one) and formats it with the project's
 * Biome settings, so a freshly generated file passes `npm run lint` as it is. Undefined when there
 * is nothing to migrate.
 */
export async function createFormattedMigration(
  orm: MikroORM,
  options: { blank?: boolean; name?: string; folder?: string },
): Promise<{ file: string; statements: string[] } | undefined> {
  const result = await orm.getMigrator().createMigration(options.folder, Boolean(options.blank), false, options.name);
  if (!result.fileName) return undefined;
  const folder = options.folder ?? orm.config.get('migrations').path ?? 'migrations';
  const file = path.resolve(folder, result.fileName);
  fs.writeFileSync(file, formatTypeScript(fs.readFileSync(file, 'utf8')));
  return { file, statements: result.diff.up };
}

/** Formats TypeScript with the project's Biome configuration (as `npm run format` would). */
export function formatTypeScript(source: string): string {
  const projectRoot = path.resolve(__dirname, '../../..');
  const biome = require.resolve('@biomejs/biome/bin/biome', { paths: [projectRoot] });
  // The path only tells Biome which settings apply; the text comes in on stdin.
  return execFileSync(process.execPath, [biome, 'check', '--write', '--stdin-file-path=migrations/generated.ts'], {
    cwd: projectRoot,
    input: source,
    encoding: 'utf8',
  });
}

/** An expected failure: printed as a message without a stack trace, exit code 1. */
export class CliError extends Error {}
