import pino, { type Logger } from 'pino';
import type { AppConfig } from './config/config';

export type { Logger };

/** JSON lines on stdout; `LOG_LEVEL=silent` in the specs. */
export function createLogger(config: Pick<AppConfig, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: undefined,
    redact: { paths: ['*.password', '*.passwordHash', '*.authorization', '*.token'], censor: '[redacted]' },
  });
}
