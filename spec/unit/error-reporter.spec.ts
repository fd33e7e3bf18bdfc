import { expect } from 'chai';
import { errorReporterFor, noopErrorReporter } from '../../src/observability/error-reporter';
import { sentryClientOptions } from '../../src/observability/sentry-reporter';
import { type SentryIngest, startSentryIngest } from '../support/sentry-ingest';

describe('errorReporterFor (where unexpected errors go besides the log)', () => {
  let ingest: SentryIngest;
  before(async () => {
    ingest = await startSentryIngest();
  });
  after(() => ingest.close());

  const withRelease = (release: string) => ({
    sentryDsn: ingest.dsn,
    sentryEnvironment: 'test',
    sentryRelease: release,
  });

  it('is the no-op reporter without a DSN: disabled, with nothing to flush', async () => {
    const reporter = await errorReporterFor({ sentryDsn: undefined, sentryEnvironment: 'test', sentryRelease: 'r' });
    expect(reporter).to.equal(noopErrorReporter);
    expect(reporter.enabled).to.equal(false);
    expect(await reporter.flush(10)).to.equal(true);
  });

  it('keeps one client per DSN, environment and release in the process', async () => {
    const first = await errorReporterFor(withRelease('r-1'));
    expect(first.enabled).to.equal(true);
    expect(await errorReporterFor(withRelease('r-1'))).to.equal(first);
    expect(await errorReporterFor(withRelease('r-2'))).not.to.equal(first);
  });

  it('sends an error object once, however many boundaries capture it; thrown strings each time', async () => {
    const reporter = await errorReporterFor(withRelease('r-once'));
    const error = new Error('reported once');
    reporter.capture(error, { source: 'startup' });
    reporter.capture(error, { source: 'cli', command: 'initdb' });
    reporter.capture('a thrown string', { source: 'cli' });
    reporter.capture('a thrown string', { source: 'cli' });
    expect(await reporter.flush(5000)).to.equal(true);
    const events = ingest.events.filter((event) => event.release === 'r-once');
    expect(events).to.have.length(3);
    const once = events.filter((event) => event.exception?.values?.[0]?.value === 'reported once');
    expect(once).to.have.length(1);
    expect(once[0].tags).to.include({ source: 'startup' });
  });
});

describe('sentryClientOptions', () => {
  it('collects nothing about users, requests, queries or stack variables, and hooks nothing', () => {
    const options = sentryClientOptions({
      dsn: 'https://key@sentry.example/1',
      environment: 'production',
      release: 'v1',
    });
    expect(options).to.deep.include({
      dsn: 'https://key@sentry.example/1',
      environment: 'production',
      release: 'v1',
      integrations: [],
      sendClientReports: false,
      enableRuntimeChannelInjection: false,
      traceLifecycle: 'static',
    });
    expect(options.tracesSampleRate).to.equal(undefined);
    expect(options.dataCollection).to.deep.equal({
      userInfo: false,
      cookies: false,
      httpHeaders: false,
      httpBodies: [],
      urlQueryParams: false,
      graphQL: { document: false, variables: false },
      genAI: { inputs: false, outputs: false },
      mcp: { inputs: false, outputs: false },
      databaseQueryData: false,
      queues: false,
      stackFrameVariables: false,
    });
  });
});
