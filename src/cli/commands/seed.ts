import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { type SeedCounts, type SeedEvent, seedConduit } from '../../db/seeders/conduit.seeder';
import { SEED_PASSWORD } from '../../db/seeders/users.seeder';
import type { CliContext } from '../context';
import { withDatabase } from '../with-database';
import { CliError } from './migrations';

interface SeedCommandOptions extends SeedCounts {
  batchSize: number;
}

/**
 * `seed`: fake users, articles, comments, favorites and follows for development and benchmarks,
 * plus the demo account (demo@example.com) following at least 20 users. Adds to what is already
 * in the database; run `initdb` first on a fresh server.
 */
export function registerSeedCommand(program: Command, context: CliContext): void {
  program
    .command('seed')
    .description(
      `insert fake data (every password "${SEED_PASSWORD}") and the demo user, for development and benchmarks`,
    )
    .requiredOption('-u, --users <count>', 'how many users to create', parseCount)
    .option('-a, --articles <count>', 'how many articles to create, by random users', parseCount, 0)
    .option('-c, --comments <count>', 'how many comments to create, on random articles', parseCount, 0)
    .option('-f, --favorites <count>', 'how many new unique (user, article) favorites', parseCount, 0)
    .option('--follows <count>', 'how many new unique (follower, followee) follows', parseCount, 0)
    .option('-b, --batch-size <size>', 'rows per flush or multi-row insert', parseBatchSize, 500)
    .action(async (options: SeedCommandOptions) => {
      await withDatabase(
        context,
        async (em) => {
          const progress = new PhaseProgress();
          let report: Awaited<ReturnType<typeof seedConduit>>;
          try {
            report = await seedConduit(em, options, {
              batchSize: options.batchSize,
              onEvent: (event) => progress.handle(event),
            });
          } finally {
            progress.stop();
          }
          for (const phase of report.phases) {
            console.log(`${phase.phase}: ${phase.inserted} in ${(phase.elapsedMs / 1000).toFixed(2)} s`);
          }
          const { demo } = report;
          console.log(
            `Demo user "${demo.username}" <${demo.email}> (#${demo.id}, ${demo.created ? 'created' : 'existing'}) ` +
              `follows ${demo.following} users (${demo.followsAdded} new).`,
          );
          const { users, articles, comments, favorites, follows } = report.inserted;
          console.log(
            `Seeded ${users} users, ${articles} articles, ${comments} comments, ${favorites} favorites and ` +
              `${follows} follows in ${(report.elapsedMs / 1000).toFixed(2)} s.`,
          );
        },
        { migrate: true },
      );
    });
}

/** One progress bar per phase, replaced when the next phase starts. */
class PhaseProgress {
  private bar: SingleBar | undefined;

  handle(event: SeedEvent): void {
    if (event.type === 'start') {
      this.stop();
      this.bar = new SingleBar(
        { format: `${event.phase.padEnd(9)} {bar} {value}/{total} ({eta}s left)` },
        Presets.shades_classic,
      );
      this.bar.start(event.total, 0);
    } else if (event.type === 'progress') {
      this.bar?.update(event.done);
    } else {
      this.stop();
    }
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

const MAX_COUNT = 1_000_000;

function parseCount(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed > MAX_COUNT) {
    throw new CliError(`expected a whole number from 0 to ${MAX_COUNT}, got "${value}"`);
  }
  return parsed;
}

function parseBatchSize(value: string): number {
  const parsed = parseCount(value);
  if (parsed < 1 || parsed > 10_000) throw new CliError(`expected a batch size from 1 to 10000, got "${value}"`);
  return parsed;
}
