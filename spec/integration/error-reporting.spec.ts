import { expect } from 'chai';
import { runTs } from '../support/processes';
import { type SentryIngest, startSentryIngest } from '../support/sentry-ingest';

describe('Error reporting outside a request', () => {
  let ingest: SentryIngest;

  before(async () => {
    ingest = await startSentryIngest();
  });

  after(() => ingest.close());

  it('a CLI command that fails unexpectedly has sent its report before the process exits', async function () {
    this.timeout(90_000);
    // A database server that refuses connections: an error no command turns into a one-line
    // refusal of its own.
    const result = await runTs(['src/cli/main.ts', 'seed', '--users', '1'], {
      DATABASE_URL: 'postgres://postgres:db-password-secret@127.0.0.1:9/conduit',
      SENTRY_DSN: ingest.dsn,
    });
    expect(result.status, result.stderr).to.equal(1);
    expect(ingest.events).to.have.length(1);
    expect(ingest.events[0].tags).to.include({ source: 'cli', command: 'seed' });
    expect(JSON.stringify(ingest.events[0].exception)).to.match(/ECONNREFUSED/);
    expect(ingest.envelopes.join('\n')).not.to.include('db-password-secret');
  });

  it('a CLI command refused with one line (bad arguments) is not reported', async () => {
    ingest.events.length = 0;
    const result = await runTs(['src/cli/main.ts', 'seed', '--users', 'many'], { SENTRY_DSN: ingest.dsn });
    expect(result.status).to.equal(1);
    expect(ingest.events).to.have.length(0);
  });

  it('never loads @sentry/node without SENTRY_DSN', async () => {
    const script = `
      const { errorReporterFor } = require('./src/observability/error-reporter');
      require('./src/lambda');
      require('./src/cli/main');
      const loaded = () => Object.keys(require.cache).some((file) => file.includes('/@sentry/'));
      (async () => {
        const atStart = loaded();
        await errorReporterFor({ sentryDsn: undefined, sentryEnvironment: 'x', sentryRelease: 'y' });
        const withoutDsn = loaded();
        await errorReporterFor({ sentryDsn: '${ingest.dsn}', sentryEnvironment: 'x', sentryRelease: 'y' });
        console.log(JSON.stringify({ atStart, withoutDsn, withDsn: loaded() }));
        process.exit(0);
      })();
    `;
    const result = await runTs(['-e', script]);
    expect(result.status, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.deep.equal({ atStart: false, withoutDsn: false, withDsn: true });
  });
});
