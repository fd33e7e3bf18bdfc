/**
 * Keeps argon2's memory from staying resident after logins.
 *
 * Each argon2 hash allocates 19 MiB on one of libuv's threads. glibc serves the first such buffer
 * with mmap and, once it is freed, raises its mmap threshold above that size, so every later one
 * comes from the thread's malloc arena and stays resident when freed: the server grew from ~107 MB
 * to ~223 MB after 300 logins and never came back. A fixed threshold (`MALLOC_MMAP_THRESHOLD_`,
 * which also turns that adjustment off) makes every such buffer an mmap that is returned on free:
 * 130 MB after the same load, the same login throughput (bench/README.md, "Memory").
 *
 * glibc reads the variable only when a process starts, so the server, when it is not set,
 * replaces its own process image once with it set (`process.execve`: same PID, same arguments,
 * nothing left running). Node 20 has no `process.execve`: there (and to choose another value) set
 * the variable in the environment. Other platforms and C libraries ignore it.
 */
export const MMAP_THRESHOLD_VARIABLE = 'MALLOC_MMAP_THRESHOLD_';
export const MMAP_THRESHOLD_BYTES = String(1024 * 1024);

type Execve = (file: string, args: string[], env: NodeJS.ProcessEnv) => never;

export function restartWithMallocTuning(): void {
  if (process.platform !== 'linux' || process.env[MMAP_THRESHOLD_VARIABLE] !== undefined) return;
  const execve = (process as unknown as { execve?: Execve }).execve;
  if (typeof execve !== 'function') return;
  try {
    execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
      ...process.env,
      [MMAP_THRESHOLD_VARIABLE]: MMAP_THRESHOLD_BYTES,
    });
  } catch {
    // Not allowed here (a sandbox, a worker thread): run untuned rather than not at all.
  }
}
