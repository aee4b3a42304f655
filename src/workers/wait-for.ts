import pRetry, { AbortError } from 'p-retry';
import { logger } from '../log.js';

const log = logger.child({ component: 'worker' });

/** How long a worker waits between tries, doubling from the first to the last. */
export const WAIT_DELAYS_MS = { first: 500, last: 15_000 } as const;

/**
 * Tries `reach` until it succeeds, waiting longer each time (up to 15 s apart), so a worker started
 * before the servers it needs (PostgreSQL, Temporal) waits for them instead of exiting. Each failed
 * try is logged with the server's error. An error `permanent` says waiting cannot mend (a wrong
 * password) is thrown at once. Resolves `undefined` if `signal` aborts first.
 */
export async function waitFor<T>(what: string, reach: () => Promise<T>, signal: AbortSignal, permanent: (err: unknown) => boolean = () => false): Promise<T | undefined> {
  try {
    return await pRetry(async () => {
      try {
        return await reach();
      } catch (err) {
        throw permanent(err) ? new AbortError(err as Error) : err;
      }
    }, {
      forever: true, factor: 2, minTimeout: WAIT_DELAYS_MS.first, maxTimeout: WAIT_DELAYS_MS.last, signal,
      onFailedAttempt: (err) => { log.warn({ attempt: err.attemptNumber, err: err.message }, `${what} is not reachable yet; trying again`); },
    });
  } catch (err) {
    if (signal.aborted) return undefined;
    throw err;
  }
}

/**
 * A PostgreSQL server that answered and refused (a wrong password, no such database): its SQLSTATE
 * code, except the classes that mean "not yet" (08 connection exceptions, 57P03 starting up).
 */
export function isPostgresRefusal(err: unknown): boolean {
  const cause = err instanceof Error && err.cause !== undefined ? err.cause : err;
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && code !== '57P03';
}
