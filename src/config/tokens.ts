import { Token } from 'typedi';
import type { Logger } from '../logger';
import type { AppConfig } from './config';

/** typedi keys for the values the composition root provides. */
export const APP_CONFIG = new Token<AppConfig>('app.config');
export const LOGGER = new Token<Logger>('app.logger');
