/**
 * Paces GitHub requests by the quotas GitHub reports, across every worker: each request takes its
 * cost (one unit; a GraphQL query's points, estimated in graphql-cost.ts) of an account's quota in
 * PostgreSQL before it is sent (from the account the request must use, or the best of several it
 * may use: see pickAccount), so workers never together spend more than is left; and each response writes back what GitHub says is left, when it resets, and
 * any `retry-after`. A response whose quota headers are missing or unbelievable leaves the quota
 * unknown: requests then go at the conservative pace, one per CONSERVATIVE_INTERVAL_MS, with a
 * warning. A wait longer than `maxInlineWaitMs` is thrown as RateLimited, so Temporal waits.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { updateQuota, updateQuotas, type QuotaRow } from '../../db/github-quota.js';
import { RateLimited } from '../../errors.js';
import { logger } from '../../log.js';
import type { QuotaReading, QuotaResource } from './quota-headers.js';

const log = logger.child({ component: 'github-quota' });

/** The pace while a quota is unknown (no usable headers yet): one request a second per account and resource. */
export const CONSERVATIVE_INTERVAL_MS = 1_000;
/**
 * Units kept back per resource: a GraphQL query's cost is estimated before it is sent (see
 * graphql-cost.ts), and GitHub's own count may round differently.
 */
export const QUOTA_RESERVE: Record<QuotaResource, number> = { core: 0, search: 0, graphql: 5 };

export type QuotaState = QuotaRow;

/**
 * Pure: how long a request costing `cost` units must wait now, or the state after it takes them.
 * What is left never falls below the reserve; a request that would take it there waits for the reset.
 */
export function takeUnit(s: QuotaState, resource: QuotaResource, now: number, cost = 1): { waitMs: number } | { next: QuotaState } {
  if (s.notBefore > now) return { waitMs: s.notBefore - now };
  const current = s.resetAt !== null && s.resetAt > now;
  if (current && s.remaining !== null && s.remaining - cost < QUOTA_RESERVE[resource]) return { waitMs: (s.resetAt as number) - now };
  if (current && s.remaining !== null) return { next: { ...s, remaining: s.remaining - cost } };
  // Unknown, or its window has passed: one request at the conservative pace until a response says more.
  return { next: { remaining: null, resetAt: null, notBefore: now + CONSERVATIVE_INTERVAL_MS } };
}

/** Pure: the state after a response said `reading` and asked to hold off `holdMs`. */
export function observe(s: QuotaState, reading: QuotaReading, holdMs: number, now: number): QuotaState {
  const notBefore = Math.max(s.notBefore, holdMs > 0 ? now + holdMs : 0);
  if (reading.kind === 'unusable') return { remaining: null, resetAt: null, notBefore: Math.max(notBefore, now + CONSERVATIVE_INTERVAL_MS) };
  // Within one window what is left only falls; units taken by requests still in flight stay taken.
  const sameWindow = s.resetAt === reading.resetAt && s.remaining !== null;
  return { remaining: sameWindow ? Math.min(s.remaining as number, reading.remaining) : reading.remaining, resetAt: reading.resetAt, notBefore };
}

/** The account a token's requests count against, named by a hash (the token itself is never stored). */
export function quotaAccount(token: string | undefined): string {
  return token ? `token:${createHash('sha256').update(token).digest('hex').slice(0, 16)}` : 'anonymous';
}

/** Pure: of the accounts a request may use, the one to take `cost` units from now (and its state after), or how long until one can. */
export function pickAccount(states: readonly QuotaState[], resource: QuotaResource, now: number, cost = 1): { waitMs: number } | { index: number; next: QuotaState } {
  let best: { index: number; next: QuotaState; rank: [number, number] } | undefined;
  let waitMs = Infinity;
  states.forEach((s, index) => {
    const r = takeUnit(s, resource, now, cost);
    if ('waitMs' in r) { waitMs = Math.min(waitMs, r.waitMs); return; }
    const rank = accountRank(s, now);
    if (!best || rank[0] < best.rank[0] || (rank[0] === best.rank[0] && rank[1] <= best.rank[1])) best = { index, next: r.next, rank };
  });
  return best ? { index: best.index, next: best.next } : { waitMs: Number.isFinite(waitMs) ? waitMs : CONSERVATIVE_INTERVAL_MS };
}

/**
 * Lower goes first: an account whose quota is unknown (so one request learns it), then the one
 * whose window resets soonest (its units are lost at the reset), then the one with most left; a
 * tie goes to the later account, sparing the first (the identity writes need).
 */
function accountRank(s: QuotaState, now: number): [number, number] {
  if (s.resetAt === null || s.resetAt <= now || s.remaining === null) return [-Infinity, 0];
  return [s.resetAt, -s.remaining];
}

export interface PacerOptions { maxInlineWaitMs?: number; now?: () => number }

export class PgQuotaPacer {
  constructor(private readonly pool: Pool, private readonly opts: PacerOptions = {}) {}

  private now(): number { return this.opts.now?.() ?? Date.now(); }

  /**
   * Takes `cost` units of `resource` (a GraphQL query's points; one for anything else) from one
   * of `accounts` (the first it may use now, see pickAccount) and returns that account; a short
   * wait is waited inline, a long one is thrown as RateLimited.
   */
  async acquire(resource: QuotaResource, accounts: readonly string[], cost = 1): Promise<string> {
    for (;;) {
      const taken = await this.tryTake(resource, accounts, cost);
      if (typeof taken === 'string') return taken;
      if (taken > (this.opts.maxInlineWaitMs ?? 5_000)) {
        const who = accounts.length === 1 ? `of ${accounts[0] ?? ''}` : `of all ${accounts.length} tokens`;
        throw new RateLimited(`GitHub ${resource} quota ${who} is spent or paused; next request in ${Math.ceil(taken / 1000)} s`, taken);
      }
      await new Promise((r) => setTimeout(r, taken));
    }
  }

  /** Writes back what a response to `account` said; an unusable reading is warned of and paces conservatively. */
  async record(account: string, resource: QuotaResource, reading: QuotaReading, holdMs: number): Promise<void> {
    if (reading.kind === 'unusable') log.warn({ account, resource, why: reading.why, paceMs: CONSERVATIVE_INTERVAL_MS }, 'GitHub quota headers unusable: pacing conservatively');
    await updateQuota(this.pool, account, resource, (s) => observe(s, reading, holdMs, this.now()));
  }

  /** The account a unit was taken from, or how long until one can be. */
  private async tryTake(resource: QuotaResource, accounts: readonly string[], cost: number): Promise<string | number> {
    let taken: string | number = CONSERVATIVE_INTERVAL_MS;
    await updateQuotas(this.pool, accounts, resource, (rows) => {
      const r = pickAccount(rows, resource, this.now(), cost);
      if ('waitMs' in r) { taken = r.waitMs; return new Map(); }
      taken = accounts[r.index] ?? '';
      return new Map([[r.index, r.next]]);
    });
    return taken;
  }
}
