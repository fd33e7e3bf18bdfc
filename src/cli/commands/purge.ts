import type { EntityManager } from '@mikro-orm/postgresql';
import type { Command } from 'commander';
import type { RateLimitRepository } from '../../modules/limits/rate-limit.repository';
import { RateLimitCounter } from '../../modules/limits/rate-limit-counter.entity';
import { RefreshToken } from '../../modules/oauth/refresh-token.entity';
import type { RefreshTokenRepository } from '../../modules/oauth/refresh-token.repository';
import { withDatabase } from '../with-database';

/** What one purge deleted. */
export interface PurgeReport {
  refreshTokens: number;
  refreshTokenFamilies: number;
  rateLimitCounters: number;
}

/**
 * Deletes what has expired: refresh tokens past their expiry (and the logins they leave without
 * a token), and rate-limit windows that have ended. Safe at any time, from any number of
 * processes: it deletes only rows no request can use any more. For a scheduled job as for the CLI.
 */
export async function purgeExpired(em: EntityManager, now = new Date()): Promise<PurgeReport> {
  const refreshTokens = em.getRepository(RefreshToken) as RefreshTokenRepository;
  const counters = em.getRepository(RateLimitCounter) as RateLimitRepository;
  const tokens = await refreshTokens.purgeExpired(now);
  const rateLimitCounters = await counters.purgeExpired();
  return { refreshTokens: tokens.tokens, refreshTokenFamilies: tokens.families, rateLimitCounters };
}

export function registerPurgeCommand(program: Command): void {
  program
    .command('purge')
    .description('delete expired refresh tokens and ended rate-limit windows')
    .action(async () => {
      await withDatabase(async (em) => {
        const report = await purgeExpired(em);
        console.log(
          `Purged ${report.refreshTokens} expired refresh tokens (${report.refreshTokenFamilies} logins ended) ` +
            `and ${report.rateLimitCounters} ended rate-limit windows.`,
        );
      });
    });
}
