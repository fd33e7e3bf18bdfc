import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../../src/config/config';
import type { LambdaHandler, OwnLambdaHandler } from '../../src/lambda';
import type { SqlLog } from './sql-log';

/** The bundle the api function deploys (`npm run build && npm run bundle`, scripts/bundle-lambda.js). */
export const LAMBDA_BUNDLE = path.resolve(__dirname, '../../dist/lambda/api.js');

const ROOT = path.resolve(__dirname, '../..');

/**
 * With SPEC_LAMBDA_BUNDLE=1 the Lambda transport runs the deployed bundle instead of
 * src/lambda.ts: in a child process (spec/support/lambda-bundle-child.js) on the suite's
 * database, the server's or the embedded one through its loopback address, with every SQL
 * statement it sends recorded in the suite's log, so statement budgets hold through it too.
 *
 * A bundle older than a source file is refused: the suite would test code that is gone.
 */
export function bundledLambdaHandler(config: AppConfig, databaseUrl: string, sqlLog: SqlLog): OwnLambdaHandler {
  refuseStaleBundle();
  const child: ChildProcess = fork(path.join(__dirname, 'lambda-bundle-child.js'), [], {
    env: {
      ...process.env,
      LAMBDA_BUNDLE,
      LAMBDA_BUNDLE_CONFIG: JSON.stringify({
        ...config,
        databaseUrl,
        // The embedded server takes the suite's pool plus 4 connections and resets any more: the
        // bundle's pool takes 2 of those (PGlite runs one statement at a time anyway), leaving 2
        // for the CLI processes some specs run beside it.
        ...(!config.databaseUrl && { dbPoolMax: 2 }),
      }),
    },
    // Only the bundle: no ts-node or mocha hooks from the spec process.
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  child.on('message', (message: { sql?: string; id?: number; result?: unknown; error?: string }) => {
    if (message.sql !== undefined) {
      sqlLog.record(message.sql);
      return;
    }
    const call = pending.get(message.id ?? -1);
    if (!call) return;
    pending.delete(message.id ?? -1);
    if (message.error === undefined) call.resolve(message.result);
    else call.reject(new Error(`the bundled handler failed: ${message.error}`));
  });
  child.on('exit', (code, signal) => {
    for (const call of pending.values()) call.reject(new Error(`the bundle's process exited (${code ?? signal})`));
    pending.clear();
  });

  const handler: LambdaHandler = (event, context) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      // The context's functions cannot cross the process boundary, and the handler sets none.
      child.send({ id, event, context: JSON.parse(JSON.stringify(context)) });
    });

  return {
    handler,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || !child.connected) return resolve();
        child.once('exit', () => resolve());
        child.send({ close: true });
      }),
  };
}

function refuseStaleBundle(): void {
  let built: number;
  try {
    built = statSync(LAMBDA_BUNDLE).mtimeMs;
  } catch {
    throw new Error(`SPEC_LAMBDA_BUNDLE=1: ${LAMBDA_BUNDLE} is missing; run \`npm run build && npm run bundle\``);
  }
  for (const folder of ['src', 'migrations']) {
    for (const file of readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })) {
      if (file.endsWith('.ts') && statSync(path.join(ROOT, folder, file)).mtimeMs > built) {
        throw new Error(
          `SPEC_LAMBDA_BUNDLE=1: ${folder}/${file} is newer than dist/lambda/api.js; run \`npm run build && npm run bundle\``,
        );
      }
    }
  }
}
