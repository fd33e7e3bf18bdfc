import type { EntityManager } from '@mikro-orm/postgresql';
import type { Command } from 'commander';
import type { IdempotencyRepository } from '../../modules/idempotency/idempotency.repository';
import { IDEMPOTENCY_TTL_SECONDS } from '../../modules/idempotency/idempotency.service';
import { IdempotencyRecord } from '../../modules/idempotency/idempotency-record.entity';
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
  idempotencyKeys: number;
}

/**
 * Deletes what has expired: refresh tokens past their expiry (and the logins they leave without
 * a token), rate-limit windows that have ended, and Idempotency-Key records older than 24 hours. Safe at any time, from any number of
 * processes: it deletes only rows no request can use any more. For a scheduled job as for the CLI.
 */
export async function purgeExpired(em: EntityManager, now = new Date()): Promise<PurgeReport> {
  const refreshTokens = em.getRepository(RefreshToken) as RefreshTokenRepository;
  const counters = em.getRepository(RateLimitCounter) as RateLimitRepository;
  const tokens = await refreshTokens.purgeExpired(now);
  const rateLimitCounters = await counters.purgeExpired();
  const idempotencyKeys = await (em.getRepository(IdempotencyRecord) as IdempotencyRepository).purgeExpired(
    IDEMPOTENCY_TTL_SECONDS,
  );
  return { refreshTokens: tokens.tokens, refreshTokenFamilies: tokens.families, rateLimitCounters, idempotencyKeys };
}

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
