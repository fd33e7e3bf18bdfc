import os from 'node:os';
import { Client } from 'pg';

/**
 * Creating and dropping whole databases on a PostgreSQL server (`initdb`, the spec setup, the
 * conformance run and the benchmark). These statements cannot run inside the target database, so
 * they go through the server's `postgres` maintenance database.
 *
 * Nothing here drops a database that this project did not create: every database a tool creates
 * for itself is marked with a comment naming its purpose and the process that owns it, and a drop
 * first checks that mark. A developer's own database, even one that happens to share a name, is
 * refused with a message instead.
 */

export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  return name || 'postgres';
}

export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

async function withMaintenanceClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: withDatabaseName(url, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the database named in `url` unless it exists. True when it was created. */
export function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseNameOf(url);
  return withMaintenanceClient(url, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`create database ${quoteIdentifier(name)}`);
    return true;
  });
}

/**
 * Makes every new session on the database named in `url` start with this statement_timeout. Behind
 * a transaction pooler the app cannot send its own (see connectionTimeouts in mikro-orm.config.ts),
 * so the tools that create a database for themselves set it here, as an operator would with
 * `ALTER ROLE … SET` or `ALTER DATABASE … SET`.
 */
export function setDatabaseStatementTimeout(url: string, timeoutMs: number): Promise<void> {
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 0) throw new RangeError(`bad statement timeout ${timeoutMs}`);
  const name = databaseNameOf(url);
  return withMaintenanceClient(url, async (client) => {
    await client.query(`alter database ${quoteIdentifier(name)} set statement_timeout = ${timeoutMs}`);
  });
}

/** What a tool of this project writes on a database it created for itself (as its comment). */
export interface OwnershipMark {
  /** `spec`, `conformance`, `bench`, …: which tool made it. */
  purpose: string;
  pid: number;
  host: string;
  createdAt: string;
}

const MARK_PREFIX = 'koa-conduit disposable database ';

export function formatMark(mark: OwnershipMark): string {
  return MARK_PREFIX + JSON.stringify(mark);
}

/** The mark in a database comment, or undefined when the comment is not one of ours. */
export function parseMark(comment: string | null | undefined): OwnershipMark | undefined {
  if (!comment?.startsWith(MARK_PREFIX)) return undefined;
  try {
    const mark = JSON.parse(comment.slice(MARK_PREFIX.length)) as Partial<OwnershipMark>;
    if (typeof mark.purpose !== 'string' || typeof mark.pid !== 'number' || typeof mark.host !== 'string') {
      return undefined;
    }
    return { purpose: mark.purpose, pid: mark.pid, host: mark.host, createdAt: String(mark.createdAt ?? '') };
  } catch {
    return undefined;
  }
}

/** Thrown instead of dropping a database that is not ours to drop. */
export class DatabaseOwnershipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseOwnershipError';
  }
}

/** Whether the process that marked a database may still be using it. */
function ownerIsAlive(mark: OwnershipMark): boolean {
  // A process on another machine cannot be checked: assume it is alive.
  if (mark.host !== os.hostname()) return true;
  if (mark.pid === process.pid) return false;
  try {
    process.kill(mark.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readComment(client: Client, name: string): Promise<{ exists: boolean; comment: string | null }> {
  const found = await client.query<{ comment: string | null }>(
    `select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1`,
    [name],
  );
  return found.rowCount ? { exists: true, comment: found.rows[0].comment } : { exists: false, comment: null };
}

async function createMarked(client: Client, name: string, purpose: string): Promise<void> {
  const mark: OwnershipMark = { purpose, pid: process.pid, host: os.hostname(), createdAt: new Date().toISOString() };
  await client.query(`create database ${quoteIdentifier(name)}`);
  await client.query(`comment on database ${quoteIdentifier(name)} is ${quoteLiteral(formatMark(mark))}`);
}

/**
 * A fresh, empty database named in `url`, marked as owned by this process for `purpose`.
 *
 * When the name is taken, the existing database is dropped only if a tool of this project created
 * it for the same purpose and the process that did so has exited; otherwise this refuses, naming
 * the database and what to do, and changes nothing.
 */
export function recreateOwnedDatabase(url: string, purpose: string): Promise<void> {
  const name = databaseNameOf(url);
  return withMaintenanceClient(url, async (client) => {
    const existing = await readComment(client, name);
    if (existing.exists) {
      const mark = parseMark(existing.comment);
      if (!mark || mark.purpose !== purpose) {
        throw new DatabaseOwnershipError(
          `refusing to drop database "${name}": it exists and was not created by koa-conduit's ${purpose} ` +
            `run (no ownership mark in its comment). Choose another name, or drop it yourself if it is disposable.`,
        );
      }
      if (ownerIsAlive(mark)) {
        throw new DatabaseOwnershipError(
          `database "${name}" is in use by another ${purpose} run (pid ${mark.pid} on ${mark.host}); ` +
            'wait for it to finish or choose another name.',
        );
      }
      await client.query(`drop database ${quoteIdentifier(name)} with (force)`);
    }
    await createMarked(client, name, purpose);
  });
}

/** Drops the database named in `url` if this process created it (its mark names our pid). */
export function dropOwnedDatabase(url: string): Promise<boolean> {
  const name = databaseNameOf(url);
  return withMaintenanceClient(url, async (client) => {
    const mark = parseMark((await readComment(client, name)).comment);
    if (!mark || mark.pid !== process.pid || mark.host !== os.hostname()) return false;
    await client.query(`drop database ${quoteIdentifier(name)} with (force)`);
    return true;
  });
}

/**
 * Drops databases that a `purpose` run of ours created on this machine and left behind when it
 * was killed (its process is gone). Returns their names.
 */
export function dropAbandonedDatabases(url: string, purpose: string): Promise<string[]> {
  return withMaintenanceClient(url, async (client) => {
    const all = await client.query<{ name: string; comment: string | null }>(
      `select datname as name, shobj_description(oid, 'pg_database') as comment from pg_database`,
    );
    const dropped: string[] = [];
    for (const { name, comment } of all.rows) {
      const mark = parseMark(comment);
      if (!mark || mark.purpose !== purpose || mark.pid === process.pid || ownerIsAlive(mark)) continue;
      await client.query(`drop database if exists ${quoteIdentifier(name)} with (force)`);
      dropped.push(name);
    }
    return dropped;
  });
}
