/**
 * Paces GitHub requests by the quotas GitHub reports, across every worker: each request takes one
 * unit of its account's quota in PostgreSQL before it is sent (so workers never together spend
 * more than is left), and each response writes back what GitHub says is left, when it resets, and
 * any `retry-after`. A response whose quota headers are missing or unbelievable leaves the quota
 * unknown: requests then go at the conservative pace, one per CONSERVATIVE_INTERVAL_MS, with a
 * warning. A wait longer than `maxInlineWaitMs` is thrown as RateLimited, so Temporal waits.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { updateGithubQuota, type QuotaState } from '../../db/github-quota.js';
import { RateLimited } from '../../errors.js';
import { logger } from '../../log.js';
import type { QuotaReading, QuotaResource } from './quota-headers.js';

const log = logger.child({ component: 'github-quota' });

/** The pace while a quota is unknown (no usable headers yet): one request a second per account and resource. */
export const CONSERVATIVE_INTERVAL_MS = 1_000;
/**
 * Units kept back per resource: a GraphQL query costs more than one point, and a point is only
 * known to be spent once its response says so.
 */
export const QUOTA_RESERVE: Record<QuotaResource, number> = { core: 0, search: 0, graphql: 50 };

export type { QuotaState };

/** Pure: how long a request must wait now, or the state after it takes one unit. */
export function takeUnit(s: QuotaState, resource: QuotaResource, now: number): { waitMs: number } | { next: QuotaState } {
  if (s.notBefore > now) return { waitMs: s.notBefore - now };
  const current = s.resetAt !== null && s.resetAt > now;
  if (current && s.remaining !== null && s.remaining <= QUOTA_RESERVE[resource]) return { waitMs: (s.resetAt as number) - now };
  if (current && s.remaining !== null) return { next: { ...s, remaining: s.remaining - 1 } };
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

export class PgQuotaPacer {
  constructor(private readonly pool: Pool, private readonly opts: { account: string; maxInlineWaitMs?: number; now?: () => number }) {}

  private now(): number { return this.opts.now?.() ?? Date.now(); }

  /** Takes one unit of `resource`, waiting inline for a short wait; a long one is thrown as RateLimited. */
  async acquire(resource: QuotaResource): Promise<void> {
    for (;;) {
      const waitMs = await this.tryTake(resource);
      if (waitMs === 0) return;
      if (waitMs > (this.opts.maxInlineWaitMs ?? 5_000)) {
        throw new RateLimited(`GitHub ${resource} quota of ${this.opts.account} is spent or paused; next request in ${Math.ceil(waitMs / 1000)} s`, waitMs);
      }
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }

  /** Writes back what a response said; an unusable reading is warned of and paces conservatively. */
  async record(resource: QuotaResource, reading: QuotaReading, holdMs: number): Promise<void> {
    if (reading.kind === 'unusable') log.warn({ account: this.opts.account, resource, why: reading.why, paceMs: CONSERVATIVE_INTERVAL_MS }, 'GitHub quota headers unusable: pacing conservatively');
    await this.update(resource, (s, now) => observe(s, reading, holdMs, now));
  }

  private async tryTake(resource: QuotaResource): Promise<number> {
    let waitMs = 0;
    await this.update(resource, (s, now) => {
      const r = takeUnit(s, resource, now);
      if ('waitMs' in r) { waitMs = r.waitMs; return null; }
      return r.next;
    });
    return waitMs;
  }

  /** Reads the row under a lock, applies `change` (null: leave it), writes it back. */
  private update(resource: QuotaResource, change: (s: QuotaState, now: number) => QuotaState | null): Promise<void> {
    return updateGithubQuota(this.pool, this.opts.account, resource, (s) => change(s, this.now()));
  }
}
