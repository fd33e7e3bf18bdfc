import { execFile } from 'node:child_process';
import path from 'node:path';
import { databaseNameOf, withDatabaseName } from '../../src/db/server-databases';

export interface ProcessResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs TypeScript from this project as its own process (`node -r ts-node/register ...`), as
 * `npm run cli` does, and collects what it prints. Asynchronous on purpose: in the embedded pass
 * the database the child talks to may be served by this very process.
 */
export function runTs(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<ProcessResult> {
  const child = execFile(process.execPath, ['-r', 'ts-node/register', ...args], {
    cwd: path.resolve(__dirname, '../..'),
    encoding: 'utf8',
    env: childEnv(env),
    timeout: timeoutMs,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, stdout, stderr })));
}

/**
 * The suite's environment with a child's own variables over it. A child given a DATABASE_URL of
 * its own (another database, or '' for the embedded one) gets the pooler settings to match: the
 * same database past the pooler (the suite's DATABASE_DIRECT_URL, renamed), or none at all, never
 * the suite's direct URL beside another database.
 */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const merged = { ...process.env, ...env };
  if (!('DATABASE_URL' in env) || 'DATABASE_DIRECT_URL' in env) return merged;
  const url = env.DATABASE_URL?.trim();
  if (!url) {
    delete merged.DATABASE_DIRECT_URL;
    delete merged.DATABASE_POOLER;
  } else if (process.env.DATABASE_DIRECT_URL) {
    merged.DATABASE_DIRECT_URL = withDatabaseName(process.env.DATABASE_DIRECT_URL, databaseNameOf(url));
  }
  return merged;
}
