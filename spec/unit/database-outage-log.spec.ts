import { expect } from 'chai';
import { DatabaseOutageLog } from '../../src/http/database-outage-log';
import type { Logger } from '../../src/logger';

function recordingLogger() {
  const lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  const record = (level: string) => (fields: Record<string, unknown>, message: string) => {
    lines.push({ level, fields, message });
  };
  return { lines, logger: { error: record('error'), warn: record('warn') } as unknown as Logger };
}

describe('DatabaseOutageLog', () => {
  it('logs one error when an outage starts and one line when failures stop, whatever the request count', async () => {
    const { lines, logger } = recordingLogger();
    const log = new DatabaseOutageLog(logger, 50);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    for (let i = 0; i < 1000; i++) log.failure(refused, `r${i}`);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.deep.include({
      level: 'error',
      fields: { database: 'ECONNREFUSED', requestId: 'r0' },
      message: 'database unavailable: answering 503 until it is back (one line per outage)',
    });

    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(lines).to.have.length(2);
    expect(lines[1].level).to.equal('warn');
    expect(lines[1].fields).to.include({ failures: 1000 });
    expect(lines[1].message).to.equal('database failures stopped: 1000 requests answered 503');
    // From the first failure to the last (the quiet period that confirmed the end is not counted).
    expect(lines[1].fields.durationMs).to.be.within(0, 99);

    log.failure(refused, 'next');
    expect(lines, 'a new outage is logged again').to.have.length(3);
  });
});
