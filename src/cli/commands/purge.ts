import type { Command } from 'commander';
import { purgeExpired } from '../../jobs';
import { withDatabase } from '../with-database';

export function registerPurgeCommand(program: Command): void {
  program
    .command('purge')
    .description('delete expired refresh tokens, ended rate-limit windows and day-old idempotency keys')
    .action(async () => {
      await withDatabase(async (em) => {
        const report = await purgeExpired(em);
        console.log(
          `Purged ${report.refreshTokens} expired refresh tokens (${report.refreshTokenFamilies} logins ended)` +
            `, ${report.rateLimitCounters} ended rate-limit windows and ${report.idempotencyKeys} expired idempotency keys.`,
        );
      });
    });
}
