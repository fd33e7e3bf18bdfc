import { execFile } from 'node:child_process';
import path from 'node:path';

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
 * its own keeps the suite's DATABASE_DIRECT_URL only when that URL is the suite's: a direct URL
 * beside another database would send the child's migrations or seed to the suite's database. With
 * '' (the embedded database) it gets no pooler and no replicas either.
 */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const merged = { ...process.env, ...env };
  if (!('DATABASE_URL' in env) || 'DATABASE_DIRECT_URL' in env) return merged;
  const url = env.DATABASE_URL?.trim();
  if (url !== process.env.DATABASE_URL) delete merged.DATABASE_DIRECT_URL;
  if (!url) {
    delete merged.DATABASE_POOLER;
    delete merged.DATABASE_REPLICA_URLS;
  }
  return merged;
}
