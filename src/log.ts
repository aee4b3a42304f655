import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type { prettyFactory as PrettyFactory } from 'pino-pretty';
import { isLogFormat, type LogFormat } from './log-format.js';

let prettyLine: ReturnType<typeof PrettyFactory> | null = null;

/** The formatter for people, loaded on first use: a process that never formats for people never loads it. */
function pretty(line: string): string {
  if (!prettyLine) {
    const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as { prettyFactory: typeof PrettyFactory };
    prettyLine = prettyFactory({ colorize: process.stderr.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  }
  return prettyLine(line);
}

const fromEnv = process.env['GLOBALLM_LOG_FORMAT'];
let format: LogFormat = isLogFormat(fromEnv) ? fromEnv : 'auto';

/** Switches the format of every logger in the process (the `--log-format` flag). */
export function setLogFormat(next: LogFormat): void {
  format = next;
}

function formatsForPeople(): boolean {
  return format === 'pretty' || (format === 'auto' && process.stderr.isTTY);
}

/** stderr, written synchronously so the last lines survive `process.exit`; formatted per line. */
const stderrLines = {
  write(line: string): void {
    writeSync(2, formatsForPeople() ? pretty(line) : line);
  },
};

let processFields: Record<string, string> = {};

/** Fields every log line of the process carries from now on, children made earlier included (e.g. the demo's scripted model). */
export function setProcessLogFields(fields: Record<string, string>): void {
  processFields = { ...fields };
}

/** One structured logger for the process; components take a child: `logger.child({ component: 'forge' })`. */
export const logger: Logger = pino({
  level: process.env['GLOBALLM_LOG_LEVEL'] ?? 'info',
  base: { pid: process.pid },
  // A fresh object each time: pino merges the line's own fields into what the mixin returns.
  mixin: () => ({ ...processFields }),
}, stderrLines);

export type { Logger };
