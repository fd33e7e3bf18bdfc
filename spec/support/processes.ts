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
    env: { ...process.env, ...env },
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
