import { type AppConfig, getConfig } from '../config/config';

/**
 * What the entry point hands every command. The configuration is read only when a command needs
 * it: `--help`, `routes` and a refused argument never fail on a bad environment. The process's
 * own configuration by default; the specs run the real commands in process on their database.
 */
export interface CliContext {
  config(): AppConfig;
}

export const processContext: CliContext = { config: getConfig };
