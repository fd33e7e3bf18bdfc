/**
 * The wait before retry number `attempt` (the attempt that just failed, from 1): `baseMs`
 * doubled per attempt, capped at `maxMs`, then "equal jitter": somewhere between half of it and
 * all of it, so jobs that failed together (an SMTP outage) do not all come back at once.
 */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}
