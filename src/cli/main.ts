import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config';
import { errorReporterFor, FLUSH_TIMEOUT_MS } from '../observability/error-reporter';
import { registerInitdbCommand } from './commands/initdb';
import { registerJobCommands } from './commands/jobs';
import { CliError, registerMigrationCommands } from './commands/migrations';
import { registerOpenApiCommand } from './commands/openapi';
import { registerPurgeCommand } from './commands/purge';
import { registerRoutesCommand } from './commands/routes';
import { registerSeedCommand } from './commands/seed';
import { registerUserCommands } from './commands/users';
import { type CliContext, processContext } from './context';

/**
 * `npm run cli -- <command>`: the talk's custom Flask commands. Each exits non-zero with a
 * one-line message on bad arguments or a failed step.
 */
export function buildProgram(context: CliContext = processContext): Command {
  const program = new Command('conduit')
    .description('koa-conduit maintenance commands')
    .exitOverride()
    .showHelpAfterError();
  registerInitdbCommand(program, context);
  registerUserCommands(program, context);
  registerSeedCommand(program, context);
  registerRoutesCommand(program);
  registerOpenApiCommand(program);
  registerMigrationCommands(program, context);
  registerJobCommands(program, context);
  registerPurgeCommand(program, context);
  return program;
}

export async function runCli(argv: string[], context: CliContext = processContext): Promise<number> {
  try {
    await buildProgram(context).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (unknown command, missing option, --help).
      return error.exitCode;
    }
    if (error instanceof CliError || error instanceof ConfigError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    console.error('error:', error instanceof Error ? error.message : error);
    await reportCommandFailure(error, argv[0], context);
    return 1;
  }
}

/**
 * An unexpected failure (not bad arguments, bad configuration or a step's own one-line refusal)
 * is reported like a 5xx, and sent before the process exits: `process.exit` drops whatever is
 * still queued.
 */
async function reportCommandFailure(error: unknown, command: string | undefined, context: CliContext): Promise<void> {
  try {
    const reporter = await errorReporterFor(context.config());
    reporter.capture(error, { source: 'cli', command });
    await reporter.flush(FLUSH_TIMEOUT_MS);
  } catch {
    // Reporting must never change how a command fails.
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
