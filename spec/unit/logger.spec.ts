import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger, formatLogLine, wantsPrettyLogs } from '../../src/logger';

/** A fake stdout that keeps what is written to it. */
function capture(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { chunks, stream: Object.assign(stream, { isTTY }) as unknown as NodeJS.WriteStream };
}

describe('createLogger', () => {
  it('writes readable lines on a terminal in development', () => {
    const { chunks, stream } = capture(true);
    createLogger({ logLevel: 'info', logFormat: 'auto', nodeEnv: 'development' }, stream).info(
      { port: 3000, url: 'http://127.0.0.1:3000' },
      'listening',
    );
    expect(chunks.join('')).to.match(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}listening port=3000 url=http:\/\/127\.0\.0\.1:3000\n$/,
    );
  });

  it('keeps JSON lines when stdout is not a terminal, in production, or when asked', () => {
    expect(wantsPrettyLogs({ logLevel: 'info', logFormat: 'auto' }, { isTTY: false })).to.equal(false);
    expect(wantsPrettyLogs({ logLevel: 'info', logFormat: 'auto', nodeEnv: 'production' }, { isTTY: true })).to.equal(
      false,
    );
    expect(wantsPrettyLogs({ logLevel: 'info', logFormat: 'json' }, { isTTY: true })).to.equal(false);
    expect(wantsPrettyLogs({ logLevel: 'info', logFormat: 'pretty' }, { isTTY: false })).to.equal(true);
  });

  it('still redacts secrets in readable lines, and prints a stack on its own lines', () => {
    const { chunks, stream } = capture(true);
    const logger = createLogger({ logLevel: 'info', logFormat: 'pretty' }, stream);
    logger.warn({ user: { password: 'hunter2' } }, 'login');
    logger.error({ err: new Error('boom') }, 'failed');
    expect(chunks[0]).to.match(/ WARN {2}login user=\{"password":"\[redacted\]"\}\n$/);
    expect(chunks[1]).to.match(/ ERROR failed\n {2}Error: boom\n {6}at /);
  });

  it('passes through a line that is not JSON', () => {
    expect(formatLogLine('plain\n')).to.equal('plain\n');
  });

  it('leaves out what a line lacks (time, message) instead of padding for it', () => {
    expect(formatLogLine('{"level":30,"key":"v"}')).to.equal('INFO  key=v\n');
    expect(formatLogLine('{"level":40,"msg":"slow"}')).to.equal('WARN  slow\n');
  });

  it('treats an unset LOG_FORMAT as auto: readable on a terminal, outside production', () => {
    expect(wantsPrettyLogs({ logLevel: 'info', nodeEnv: 'development' }, { isTTY: true })).to.equal(true);
    expect(wantsPrettyLogs({ logLevel: 'info', nodeEnv: 'development' }, { isTTY: false })).to.equal(false);
  });
});
