import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { LogFormat, setLogFormat } from '../log.js';

/** The log format from the flag, else GLOBALLM_LOG_FORMAT (empty means unset), else auto. */
export function chosenLogFormat(flag: unknown, env: NodeJS.ProcessEnv): LogFormat {
  const fromEnv = env['GLOBALLM_LOG_FORMAT'];
  if (flag === undefined && (fromEnv === undefined || fromEnv === '')) return 'auto';
  const parsed = LogFormat.safeParse(flag ?? fromEnv);
  if (!parsed.success) throw new UsageError(`invalid configuration: GLOBALLM_LOG_FORMAT: expected one of ${LogFormat.options.join(', ')}`);
  return parsed.data;
}

/** Options every command takes, applied before the command runs. */
export function registerGlobalOptions(program: Command): void {
  program
    .addOption(new Option('--log-format <format>', 'logs on stderr: auto (for people on a terminal, else JSON lines), json or pretty (default: GLOBALLM_LOG_FORMAT, else auto)')
      .choices(LogFormat.options))
    .hook('preAction', (cmd) => {
      setLogFormat(chosenLogFormat(cmd.opts()['logFormat'], process.env));
    });
}
