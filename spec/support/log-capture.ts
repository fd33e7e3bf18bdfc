import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from '../../src/logger';

/** One JSON log line as pino writes it (`level` is pino's number: 30 info, 40 warn, 50 error). */
export type LogLine = Record<string, unknown> & { level: number; msg: string };

/** A real pino logger at `info` whose lines are kept, parsed, for a spec to read. */
export function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info', base: undefined }, sink), lines };
}

export const LEVEL = { info: 30, warn: 40, error: 50 } as const;
