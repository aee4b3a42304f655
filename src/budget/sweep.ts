import { logger } from '../log.js';
import type { PostgresTokenBudget } from './postgres-budget.js';

const log = logger.child({ component: 'budget-sweep' });

export interface HoldSweepOptions {
  /** How often to look. */
  everyMs: number;
  /** A hold whose call answered is charged once it is this old (its worker would have settled it by then). */
  answeredGraceSeconds: number;
}

export const HOLD_SWEEP: HoldSweepOptions = { everyMs: 30_000, answeredGraceSeconds: 60 };

/**
 * Settles what dead workers left on the budget, while the worker runs: holds whose call answered
 * are charged their recorded usage, holds past the TTL that never answered are freed. Every worker
 * runs one; sweeps racing each other charge nothing twice. Returns a stop function.
 */
export function startHoldSweep(budget: PostgresTokenBudget, opts: HoldSweepOptions = HOLD_SWEEP): () => void {
  let running = false;
  const sweep = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const settled = await budget.settleAnswered(opts.answeredGraceSeconds);
      const expired = await budget.expireStale();
      if (settled + expired > 0) log.warn({ settled, expired }, 'settled holds left by dead workers');
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'hold sweep failed: trying again later');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => { void sweep(); }, opts.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
