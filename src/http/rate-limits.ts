import type { LimitCheck, LimitStatus, RateLimits } from '../modules/limits/rate-limits.service';
import { usernameKey } from '../modules/users/username-key';
import { routePath } from './route-path';
import type { AppContext, AppMiddleware } from './state';

/**
 * Which requests count against which limits, from what they carry. Runs after the body is read
 * and before routing: a request over a limit is refused before its controller looks the account
 * up, and long before argon2 hashes anything.
 *
 * Accounts are named as the request names them, normalised: `email:<lower-cased address>` or
 * `username:<username key>` (the key that makes look-alike names one name). An account known by
 * both can thus be tried under each name: at most twice its limit per window.
 */
type ChecksOf = (ctx: AppContext, ip: string) => LimitCheck[];

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function objectField(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** `email:…` for anything with an `@` (no username has one), else `username:…`. */
export function accountSubject(identifier: string): string {
  return identifier.includes('@') ? `email:${identifier.toLowerCase()}` : `username:${usernameKey(identifier)}`;
}

/** A password login's checks: its client IP, and the account it names (when it names one). */
export function loginChecks(ip: string, identifier: string | undefined): LimitCheck[] {
  const checks: LimitCheck[] = [{ limit: 'login-ip', subject: ip }];
  if (identifier !== undefined) checks.push({ limit: 'login-account', subject: accountSubject(identifier) });
  return checks;
}

const LIMITED_ROUTES: Record<string, ChecksOf> = {
  'POST /api/users/login': (ctx, ip) =>
    loginChecks(ip, stringField(objectField(objectField(ctx.request.body, 'user'), 'email'))),
  'POST /auth': (ctx, ip) => loginChecks(ip, stringField(objectField(ctx.request.body, 'username'))),
  'POST /api/users': (_ctx, ip) => [{ limit: 'register-ip', subject: ip }],
  'POST /oauth/token': (ctx, ip) => {
    const grantType = objectField(ctx.request.body, 'grant_type');
    if (grantType === 'password') return loginChecks(ip, stringField(objectField(ctx.request.body, 'username')));
    if (grantType === 'refresh_token') return [{ limit: 'refresh-ip', subject: ip }];
    // Anything else is refused without touching the database.
    return [];
  },
};

/**
 * `RateLimit-Policy` and `RateLimit` as draft-ietf-httpapi-ratelimit-headers-10 defines them:
 * one list item per limit the request counted against, `q` its quota, `w` its window, `r` what
 * is left and `t` the seconds until the window resets.
 */
export function rateLimitHeaders(statuses: readonly LimitStatus[]): { policy: string; state: string } {
  return {
    policy: statuses.map((status) => `"${status.limit}";q=${status.quota};w=${status.windowSeconds}`).join(', '),
    state: statuses.map((status) => `"${status.limit}";r=${status.remaining};t=${status.resetSeconds}`).join(', '),
  };
}

/**
 * Counts the request against its limits (one SQL statement), sets the RateLimit headers, and
 * refuses it with 429 + Retry-After when one is exceeded (thrown as RateLimited: the error
 * boundary answers in the route's error shape). A successful login forgives the account's
 * failures; its IP count stays.
 */
export function rateLimits(limits: RateLimits): AppMiddleware {
  return async function limitCredentialEndpoints(ctx, next) {
    const checksOf = limits.enabled ? LIMITED_ROUTES[`${ctx.method} ${routePath(ctx.path)}`] : undefined;
    if (!checksOf) return next();
    const checks = checksOf(ctx, clientIp(ctx));
    await limits.consume(checks, (statuses) => setRateLimitHeaders(ctx, statuses));
    await next();
    const account = accountCheck(checks);
    // A login that failed threw above; every login route answers its success with 200.
    if (account && ctx.status === 200) await limits.forgive(account);
  };
}

/** The address limits count (see TRUST_PROXY in app.ts). */
export function clientIp(ctx: AppContext): string {
  return ctx.ip || 'unknown';
}

export function setRateLimitHeaders(ctx: AppContext, statuses: readonly LimitStatus[]): void {
  const { policy, state } = rateLimitHeaders(statuses);
  ctx.set('RateLimit-Policy', policy);
  ctx.set('RateLimit', state);
}

/** The account check among a request's checks, if any: what a successful login forgives. */
export function accountCheck(checks: readonly LimitCheck[]): LimitCheck | undefined {
  return checks.find((check) => check.limit === 'login-account');
}
