/**
 * Formats of the logs on stderr (`--log-format`, GLOBALLM_LOG_FORMAT). `auto`: formatted for people
 * when stderr is a terminal, JSON lines otherwise. Apart from the logger, so reading the
 * configuration does not load it, and free of zod, so `--help` (which lists the choices) stays light.
 */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = typeof LOG_FORMATS[number];

export function isLogFormat(value: unknown): value is LogFormat {
  return (LOG_FORMATS as readonly unknown[]).includes(value);
}
