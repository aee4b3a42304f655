import { Option, type Command } from 'commander';
import { LOG_FORMATS } from '../../log-format.js';

/**
 * Options every command takes, applied before the command runs. Like the command files, this
 * imports only commander: the logger loads when a format has to be chosen, not for `--help`.
 */
export function registerGlobalOptions(program: Command): void {
  program
    .addOption(new Option('--log-format <format>', 'logs on stderr: auto (for people on a terminal, else JSON lines), json or pretty (default: GLOBALLM_LOG_FORMAT, else auto)')
      .choices(LOG_FORMATS))
    .hook('preAction', async (cmd) => {
      const flag: unknown = cmd.opts()['logFormat'];
      const fromEnv = process.env['GLOBALLM_LOG_FORMAT'];
      if (flag === undefined && (fromEnv === undefined || fromEnv === '')) return; // auto, the logger's default
      (await import('../global-options.js')).applyLogFormat(flag, process.env);
    });
}
