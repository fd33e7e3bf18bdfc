import type { Command } from 'commander';
import { purgeExpired } from '../../jobs';
import type { CliContext } from '../context';
import { withDatabase } from '../with-database';

export function registerPurgeCommand(program: Command, context: CliContext): void {
  program
    .command('purge')
    .description('delete expired refresh tokens, ended rate-limit windows and day-old idempotency keys')
    .action(async () => {
      await withDatabase(context, async (em) => {
        const report = await purgeExpired(em);
        console.log(
          `Purged ${report.refreshTokens} expired refresh tokens (${report.refreshTokenFamilies} logins ended)` +
            `, ${report.rateLimitCounters} ended rate-limit windows and ${report.idempotencyKeys} expired idempotency keys.`,
        );
      });
    });
}
