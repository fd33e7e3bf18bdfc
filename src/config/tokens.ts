import { Token } from 'typedi';
import type { Logger } from '../logger';
import type { ErrorReporter } from '../observability/error-reporter';
import type { AppConfig } from './config';

/** typedi keys for the values the composition root provides. */
export const APP_CONFIG = new Token<AppConfig>('app.config');
export const LOGGER = new Token<Logger>('app.logger');
export const ERROR_REPORTER = new Token<ErrorReporter>('app.errorReporter');
