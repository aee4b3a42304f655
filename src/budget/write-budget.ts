/**
 * The account-wide budget for content-creating requests (forks, refs, commits, pull requests):
 * GitHub allows 80 per minute and 500 per hour per account, across every worker on every
 * machine. A sliding window over rows in PostgreSQL, serialised per account with an advisory
 * lock. No room → RateLimited carrying the wait, so Temporal retries the activity later.
 */
import type { Pool } from 'pg';
import { takeWrite } from '../db/write-budget.js';
import { RateLimited, UsageError } from '../errors.js';

export interface WriteBudget {
  /** Takes one write from the budget or throws RateLimited with the time until there is room. */
  acquire(purpose: string): Promise<void>;
}

export interface WriteLimits {
  perMinute: number;
  perHour: number;
}

/** GitHub's documented secondary limits for content creation. */
export const GITHUB_WRITE_LIMITS: WriteLimits = { perMinute: 80, perHour: 500 };

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * Milliseconds until one more event fits, given the event times inside the last hour (ascending).
 * Zero when it fits now. Pure, so the window arithmetic is tested on its own.
 */
export function waitForRoom(times: readonly number[], now: number, limits: WriteLimits): number {
  const hour = times.filter((t) => t > now - HOUR_MS);
  const minute = hour.filter((t) => t > now - MINUTE_MS);
  let wait = 0;
  if (minute.length >= limits.perMinute) {
    // The oldest events must leave the window until only perMinute - 1 remain.
    const leaving = minute[minute.length - limits.perMinute];
    if (leaving !== undefined) wait = Math.max(wait, leaving + MINUTE_MS - now);
  }
  if (hour.length >= limits.perHour) {
    const leaving = hour[hour.length - limits.perHour];
    if (leaving !== undefined) wait = Math.max(wait, leaving + HOUR_MS - now);
  }
  return wait > 0 ? Math.ceil(wait) + 1 : 0;
}

export interface PgWriteBudgetOptions {
  /** The forge account the budget belongs to (e.g. `github:globallm-bot`). */
  account: string;
  limits?: WriteLimits;
  /** Clock for tests; by default the database clock is used so machines agree. */
  now?: () => Date;
}

export class PgWriteBudget implements WriteBudget {
  private readonly limits: WriteLimits;

  constructor(private readonly pool: Pool, private readonly opts: PgWriteBudgetOptions) {
    const limits = opts.limits ?? GITHUB_WRITE_LIMITS;
    if (!Number.isInteger(limits.perMinute) || limits.perMinute < 1 || !Number.isInteger(limits.perHour) || limits.perHour < limits.perMinute) {
      throw new UsageError(`invalid write limits: ${limits.perMinute} per minute, ${limits.perHour} per hour`);
    }
    if (opts.account.trim() === '') throw new UsageError('write budget account must not be empty');
    this.limits = limits;
  }

  async acquire(purpose: string): Promise<void> {
    const wait = await takeWrite(this.pool, {
      account: this.opts.account, purpose, at: () => this.opts.now?.() ?? null,
      waitFor: (times, now) => waitForRoom(times, now, this.limits),
    });
    if (wait > 0) {
      throw new RateLimited(`content-creation budget for ${this.opts.account} is full (${this.limits.perMinute}/min, ${this.limits.perHour}/h); ${purpose} must wait`, wait);
    }
  }
}

/** No limit (local forge, tests of other parts). */
export const unlimitedWrites: WriteBudget = { acquire: () => Promise.resolve() };
