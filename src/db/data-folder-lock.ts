import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * One process at a time per embedded data folder.
 *
 * PGlite is PostgreSQL without the postmaster that would refuse a second server on the same
 * files: two processes on one folder each keep their own view and overwrite each other's pages,
 * which corrupts the database (a profile lookup returning another user, a login answering with
 * someone else's account). So the owner of a folder holds `<folder>.lock`, a file naming it.
 *
 * The file is created atomically (written aside, then hard-linked into place, which fails when
 * the name exists), so a reader never sees a half-written lock. A lock whose holder has died (a
 * `kill -9`, a crash, a power cut) is taken over: its PID no longer runs, or runs a process that
 * started later than the lock. The take-over moves the stale file aside and checks it moved the
 * one it judged, so two processes racing for a stale lock cannot both win.
 */

export interface LockHolder {
  pid: number;
  host: string;
  /** The holder's start time as the kernel counts it (Linux), to tell a reused PID apart. */
  processStart: string | null;
  token: string;
  command: string;
  acquiredAt: string;
}

export interface DataFolderLock {
  file: string;
  release(): void;
}

export class DataFolderLockedError extends Error {
  constructor(
    readonly folder: string,
    readonly holder: LockHolder,
  ) {
    super(
      `the embedded database folder ${folder} is in use by process ${holder.pid}` +
        `${holder.host === os.hostname() ? '' : ` on ${holder.host}`} (${holder.command}); ` +
        'stop that process, or use another folder (PGLITE_DATA_DIR) or a PostgreSQL server (DATABASE_URL)',
    );
    this.name = 'DataFolderLockedError';
  }
}

export function lockFileOf(folder: string): string {
  return `${path.resolve(folder)}.lock`;
}

/** The kernel's start time of a process (field 22 of /proc/<pid>/stat), or null where unknown. */
export function processStartOf(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(holder: LockHolder): boolean {
  // A holder on another machine (a shared network folder) cannot be checked: assume it lives.
  if (holder.host !== os.hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // The PID runs, but is it still the holder? A reused PID has another start time.
  const start = processStartOf(holder.pid);
  return holder.processStart === null || start === null || start === holder.processStart;
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
    return typeof parsed.pid === 'number' && typeof parsed.token === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** Takes the lock of `folder` or throws DataFolderLockedError naming the live holder. */
export function lockDataFolder(folder: string): DataFolderLock {
  const file = lockFileOf(folder);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const me: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    processStart: processStartOf(process.pid),
    token: randomUUID(),
    command:
      process.argv
        .slice(1, 3)
        .map((part) => path.basename(part))
        .join(' ') || 'node',
    acquiredAt: new Date().toISOString(),
  };
  const draft = `${file}.${me.token}.draft`;
  fs.writeFileSync(draft, `${JSON.stringify(me)}\n`);
  try {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      try {
        fs.linkSync(draft, file);
        return ownedLock(file, me.token);
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      const holder = readHolder(file);
      if (holder && isAlive(holder)) throw new DataFolderLockedError(path.resolve(folder), holder);
      takeOverStale(file, holder);
    }
    throw new Error(`could not lock ${file}: other processes keep taking it over`);
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

/**
 * Removes a stale lock, but only the one that was judged stale: it is renamed aside first (atomic),
 * and if what was moved turns out to be a fresh lock another process took meanwhile, it goes back.
 */
function takeOverStale(file: string, judged: LockHolder | undefined): void {
  const aside = `${file}.${randomUUID()}.stale`;
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  const moved = readHolder(aside);
  if (judged && moved && moved.token !== judged.token) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // Someone else holds the name again; the next attempt reads whoever that is.
    }
  }
  fs.rmSync(aside, { force: true });
}

function ownedLock(file: string, token: string): DataFolderLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only our own lock: never remove one that a take-over gave to another process.
    if (readHolder(file)?.token === token) fs.rmSync(file, { force: true });
  };
  // A normal exit (even process.exit) releases it; a crash leaves it stale, which the next
  // process takes over.
  process.on('exit', release);
  return { file, release };
}
