import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from './config/config';

export type { Logger };

type LoggerConfig = Pick<AppConfig, 'logLevel'> & Partial<Pick<AppConfig, 'logFormat' | 'nodeEnv'>>;

/**
 * JSON lines for machines (log shippers, CloudWatch, the reliability suite), readable lines for a
 * person at a terminal. `LOG_FORMAT=auto` picks readable lines only when stdout is a terminal
 * outside production; `LOG_LEVEL=silent` in the specs.
 */
export function createLogger(config: LoggerConfig, stdout: NodeJS.WriteStream = process.stdout): Logger {
  const options = {
    level: config.logLevel,
    base: undefined,
    redact: { paths: ['*.password', '*.passwordHash', '*.authorization', '*.token'], censor: '[redacted]' },
  };
  return wantsPrettyLogs(config, stdout) ? pino(options, prettyStream(stdout)) : pino(options);
}

export function wantsPrettyLogs(config: LoggerConfig, stdout: Pick<NodeJS.WriteStream, 'isTTY'>): boolean {
  const format = config.logFormat ?? 'auto';
  if (format !== 'auto') return format === 'pretty';
  return Boolean(stdout.isTTY) && config.nodeEnv !== 'production';
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** pino writes one JSON line per call; this turns each into `12:03:04.567 INFO  message key=value`. */
function prettyStream(out: NodeJS.WritableStream): DestinationStream {
  return { write: (line: string) => out.write(formatLogLine(line)) };
}

export function formatLogLine(jsonLine: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(jsonLine);
  } catch {
    return jsonLine;
  }
  const { level, time, msg, err, ...fields } = entry;
  const clock = typeof time === 'number' ? new Date(time).toISOString().slice(11, 23) : '';
  const label = (LEVEL_NAMES[Number(level)] ?? String(level)).padEnd(5);
  const pairs = Object.entries(fields).map(([key, value]) => `${key}=${formatValue(value)}`);
  const head = [clock, label, msg ?? '', ...pairs].filter((part) => part !== '').join(' ');
  // A stack is only useful in full, on its own lines.
  const stack = (err as { stack?: unknown } | undefined)?.stack;
  return typeof stack === 'string' ? `${head}\n  ${stack.replace(/\n/g, '\n  ')}\n` : `${head}\n`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}
