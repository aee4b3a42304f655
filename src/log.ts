import { pino, type Logger } from 'pino';

/** One structured logger for the process; components take a child: `logger.child({ component: 'forge' })`. */
export const logger: Logger = pino({
  level: process.env['GLOBALLM_LOG_LEVEL'] ?? 'info',
  base: { pid: process.pid },
}, pino.destination(2));

export type { Logger };
