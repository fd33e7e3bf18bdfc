import os from 'node:os';

/**
 * The size of libuv's thread pool for the HTTP server, which runs every argon2 hash there.
 *
 * Each hash allocates 19 MiB, and glibc keeps that buffer in the malloc arena of the thread that
 * ran it: with libuv's default of 4 threads the server held ~200 MB after a burst of logins and
 * never gave it back. Hashing is pure CPU, so more threads than CPUs do not hash faster; on the
 * 2-core bench machine 2 threads cost the same CPU per login and kept ~50 MB less (bench/README.md).
 * Never below 2 (one slow file or DNS call must not stall every login) nor above libuv's 4.
 */
export function threadPoolSize(env: NodeJS.ProcessEnv, cpus: number): string | undefined {
  if (env.UV_THREADPOOL_SIZE?.trim()) return undefined;
  return String(Math.min(4, Math.max(2, cpus)));
}

/**
 * Sets UV_THREADPOOL_SIZE for this process unless the operator did. libuv reads it when it starts
 * the pool, on the first task queued to it (a hash, an async file read, a DNS lookup): call this
 * before any, as src/server.ts does before main().
 */
export function sizeThreadPool(): void {
  const size = threadPoolSize(process.env, os.availableParallelism());
  if (size) process.env.UV_THREADPOOL_SIZE = size;
}
