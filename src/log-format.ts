import { z } from 'zod';
import { LOG_FORMATS } from './cli/choices.js';

/**
 * `auto`: formatted for people when stderr is a terminal, JSON lines otherwise. Apart from the
 * logger, so reading the configuration does not load it.
 */
export const LogFormat = z.enum(LOG_FORMATS);
export type LogFormat = z.infer<typeof LogFormat>;
