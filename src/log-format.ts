import { z } from 'zod';

/** Formats of the logs on stderr (`--log-format`, GLOBALLM_LOG_FORMAT). */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;

/**
 * `auto`: formatted for people when stderr is a terminal, JSON lines otherwise. Apart from the
 * logger, so reading the configuration does not load it.
 */
export const LogFormat = z.enum(LOG_FORMATS);
export type LogFormat = z.infer<typeof LogFormat>;
