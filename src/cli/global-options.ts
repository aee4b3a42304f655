import { UsageError } from '../errors.js';
import { isLogFormat, LOG_FORMATS, type LogFormat } from '../log-format.js';
import { setLogFormat } from '../log.js';

/** The log format from the flag, else GLOBALLM_LOG_FORMAT (empty means unset), else auto. */
export function chosenLogFormat(flag: unknown, env: NodeJS.ProcessEnv): LogFormat {
  const fromEnv = env['GLOBALLM_LOG_FORMAT'];
  if (flag === undefined && (fromEnv === undefined || fromEnv === '')) return 'auto';
  const chosen = flag ?? fromEnv;
  if (!isLogFormat(chosen)) throw new UsageError(`invalid configuration: GLOBALLM_LOG_FORMAT: expected one of ${LOG_FORMATS.join(', ')}`);
  return chosen;
}

/** Switches every logger of the process to the chosen format (the `--log-format` flag's hook). */
export function applyLogFormat(flag: unknown, env: NodeJS.ProcessEnv): void {
  setLogFormat(chosenLogFormat(flag, env));
}
