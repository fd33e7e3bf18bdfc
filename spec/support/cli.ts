import type { CliContext } from '../../src/cli/context';
import { runCli } from '../../src/cli/main';
import { loadConfig } from '../../src/config/config';
import { childEnv } from './processes';
import { testEnvironment } from './test-env';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The configuration a CLI process started with these variables over the suite's would read:
 * the commands run in this process (their code is what the specs measure) on the database a
 * child process would use.
 */
export function cliContext(env: NodeJS.ProcessEnv): CliContext {
  return { config: () => loadConfig(childEnv(env)) };
}

/** The database the spec app serves (the embedded one through its loopback address). */
export function onSpecDatabase(): CliContext {
  return cliContext({ DATABASE_URL: testEnvironment().database.url, DB_POOL_MAX: '1' });
}

/**
 * `npm run cli -- ...args`, run in this process by the CLI's own entry (`runCli`), with what it
 * prints captured: console.log and stdout as `stdout`, console.error and stderr as `stderr`.
 */
export async function runCommand(context: CliContext, ...args: string[]): Promise<CommandResult> {
  const out: string[] = [];
  const err: string[] = [];
  const original = {
    log: console.log,
    error: console.error,
    stdout: process.stdout.write,
    stderr: process.stderr.write,
  };
  const line =
    (into: string[]) =>
    (...parts: unknown[]) =>
      void into.push(`${parts.map(String).join(' ')}\n`);
  const write = (into: string[]) =>
    ((chunk: string | Uint8Array) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
  console.log = line(out);
  console.error = line(err);
  process.stdout.write = write(out);
  process.stderr.write = write(err);
  try {
    const code = await runCli(args, context);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    Object.assign(console, { log: original.log, error: original.error });
    process.stdout.write = original.stdout;
    process.stderr.write = original.stderr;
  }
}
