import { createHash } from 'node:crypto';
import { Inject, Service } from 'typedi';
import type { AppConfig, RateLimitRule } from '../../config/config';
import { APP_CONFIG } from '../../config/tokens';
import { RateLimited } from '../../domain/errors';
import { RateLimitRepository } from './rate-limit.repository';

/** The limits, by the names clients see in the RateLimit headers. */
export type LimitName = 'login-ip' | 'login-account' | 'refresh-ip' | 'register-ip';

/** One subject (a client IP, an account name) counted against one limit. */
export interface LimitCheck {
  limit: LimitName;
  subject: string;
}

/** Where a subject stands after its hit: what the RateLimit headers report. */
export interface LimitStatus {
  limit: LimitName;
  quota: number;
  windowSeconds: number;
  remaining: number;
  resetSeconds: number;
  exceeded: boolean;
}

// Expired counters deleted per opportunistic purge: a bounded statement, whatever the backlog.
const PURGE_BATCH = 500;

/**
 * The abuse limits: fixed windows counted in PostgreSQL, so N server processes or Lambda
 * containers share one count. Every request's checks cost ONE statement (see
 * RateLimitRepository.hit), made before any password is hashed.
 */
@Service()
export class RateLimits {
  private checksSincePurge = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly counters: RateLimitRepository,
  ) {}

  get enabled(): boolean {
    return this.config.rateLimits.enabled;
  }

  /** The rule behind a limit name. */
  rule(limit: LimitName): RateLimitRule {
    const rules = this.config.rateLimits;
    switch (limit) {
      case 'login-ip':
        return rules.loginPerIp;
      case 'login-account':
        return rules.loginPerAccount;
      case 'refresh-ip':
        return rules.refreshPerIp;
      case 'register-ip':
        return rules.registerPerIp;
    }
  }

  /**
   * Counts one hit for each check and returns their statuses; throws RateLimited (with the
   * longest wait among the limits exceeded) when any is over its quota, after `onStatus` has
   * seen them, so a 429 reports the same headers as a success.
   */
  async consume(checks: readonly LimitCheck[], onStatus: (statuses: LimitStatus[]) => void = () => {}): Promise<void> {
    if (!this.enabled || checks.length === 0) return;
    const states = await this.counters.hit(
      checks.map(({ limit, subject }) => ({
        limitName: limit,
        subject: subjectKey(subject),
        windowSeconds: this.rule(limit).windowSeconds,
      })),
    );
    const statuses = checks.map(({ limit, subject }) => {
      const key = subjectKey(subject);
      const state = states.find((row) => row.limitName === limit && row.subject === key);
      const { limit: quota, windowSeconds } = this.rule(limit);
      const hits = state?.hits ?? 1;
      return {
        limit,
        quota,
        windowSeconds,
        remaining: Math.max(0, quota - hits),
        resetSeconds: state?.resetSeconds ?? windowSeconds,
        exceeded: hits > quota,
      };
    });
    onStatus(statuses);
    await this.purgeNowAndThen();
    const exceeded = statuses.filter((status) => status.exceeded);
    if (exceeded.length > 0) throw new RateLimited(Math.max(...exceeded.map((status) => status.resetSeconds)));
  }

  /** Clears a subject's count (a successful login forgives the account's failures). */
  async forgive({ limit, subject }: LimitCheck): Promise<void> {
    if (this.enabled) await this.counters.reset(limit, subjectKey(subject));
  }

  /** Deletes every expired counter (the CLI's purge); returns how many. */
  purgeExpired(): Promise<number> {
    return this.counters.purgeExpired();
  }

  /** Every `purgeEvery` checks, a bounded delete of expired counters, so the table stays small without a job. */
  private async purgeNowAndThen(): Promise<void> {
    const every = this.config.rateLimits.purgeEvery;
    if (every === 0) return;
    this.checksSincePurge += 1;
    if (this.checksSincePurge < every) return;
    this.checksSincePurge = 0;
    await this.counters.purgeExpired(PURGE_BATCH);
  }
}

/** What the table keys a subject by: its SHA-256, so no e-mail address or IP is stored. */
export function subjectKey(subject: string): string {
  return createHash('sha256').update(subject).digest('hex');
}
