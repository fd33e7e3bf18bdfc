import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { type SentryIngest, startSentryIngest } from '../support/sentry-ingest';

const PROJECT_ROOT = path.resolve(__dirname, '../..');

/**
 * Runs `code` (JavaScript) in a fresh Node process that can require the TypeScript sources
 * (transpile-only: fast, and the types are checked by `npm run typecheck`).
 */
function runNode(code: string): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', code], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('exit', (exitCode) => resolve({ code: exitCode, lines: stdout.trim().split('\n').filter(Boolean) }));
  });
}

// A JSON logger, and a timer that would keep the process alive: it must end because of the error.
const PRELUDE = `
  const { createLogger } = require('./src/logger');
  const handlers = require('./src/process-errors');
  const logger = createLogger({ logLevel: 'info', logFormat: 'json' });
  setTimeout(() => {}, 20000);
`;

describe('unhandled errors at the process level', function () {
  this.timeout(20_000);

  it('the server logs an unhandled rejection in one line and exits 1', async () => {
    const { code, lines } = await runNode(
      `${PRELUDE} handlers.exitOnUnhandledErrors(logger); Promise.reject(new Error('nobody awaited this'));`,
    );
    expect(code).to.equal(1);
    expect(lines).to.have.length(1);
    const line = JSON.parse(lines[0]);
    expect(line).to.include({ level: 60, msg: 'unhandled promise rejection: exiting' });
    expect(line.err.message).to.equal('nobody awaited this');
  });

  it('the server logs an uncaught exception in one line and exits 1', async () => {
    const { code, lines } = await runNode(
      `${PRELUDE} handlers.exitOnUnhandledErrors(logger); setImmediate(() => { throw new Error('thrown in a callback'); });`,
    );
    expect(code).to.equal(1);
    expect(lines).to.have.length(1);
    expect(JSON.parse(lines[0]).err.message).to.equal('thrown in a callback');
  });

  it('on Lambda an unhandled rejection is logged and fails the process (the invocation) instead of passing', async () => {
    const { code, lines } = await runNode(
      `${PRELUDE} handlers.failOnUnhandledRejections(logger); Promise.reject(new Error('nobody awaited this'));`,
    );
    expect(code).to.not.equal(0);
    expect(lines).to.have.length(1);
    expect(JSON.parse(lines[0])).to.include({ level: 60, msg: 'unhandled promise rejection' });
  });

  describe('with error reporting on (SENTRY_DSN)', () => {
    let ingest: SentryIngest;
    before(async () => {
      ingest = await startSentryIngest();
    });
    after(() => ingest.close());
    beforeEach(() => {
      ingest.events.length = 0;
    });

    const withReporter = (crash: string) => `${PRELUDE}
      require('./src/observability/error-reporter')
        .errorReporterFor({ sentryDsn: '${ingest.dsn}', sentryEnvironment: 'spec', sentryRelease: 'r' })
        .then((reporter) => { handlers.exitOnUnhandledErrors(logger, reporter); ${crash} });`;

    it('the server reports an unhandled rejection before it exits 1', async () => {
      const { code, lines } = await runNode(withReporter("Promise.reject(new Error('nobody awaited this'));"));
      expect(code).to.equal(1);
      expect(JSON.parse(lines[0])).to.include({ msg: 'unhandled promise rejection: exiting' });
      expect(ingest.events).to.have.length(1);
      expect(ingest.events[0].tags).to.include({ source: 'process' });
      expect(JSON.stringify(ingest.events[0].exception)).to.include('nobody awaited this');
    });

    it('the server reports an uncaught exception before it exits 1, once even if more follow', async () => {
      const { code } = await runNode(
        withReporter(
          "setImmediate(() => { throw new Error('thrown in a callback'); }); setImmediate(() => { throw new Error('and another'); });",
        ),
      );
      expect(code).to.equal(1);
      expect(ingest.events).to.have.length(1);
      expect(JSON.stringify(ingest.events[0].exception)).to.include('thrown in a callback');
    });
  });
});
