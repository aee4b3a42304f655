/**
 * Primary and secondary rate limits modelled on GitHub's, on a movable clock. Each token has its
 * own (as on GitHub). `hourMs` is how long an "hour" of quota lasts (a "minute" is a sixtieth of
 * it), so a benchmark can spend and renew hours of quota in minutes.
 */
import type { Clock } from './clock.js';
import type { Limits } from './schema.js';

export type Resource = 'core' | 'search' | 'graphql';

interface Bucket {
  limit: number;
  used: number;
  resetAt: number;
  windowMs: number;
}

export interface BucketView {
  limit: number;
  used: number;
  remaining: number;
  reset: number;
  resource: Resource;
}

export const HOUR_MS = 3_600_000;

/** A quota window that has closed: how much of its limit was used between `start` and `end` (ms). */
export interface ClosedWindow { resource: Resource; limit: number; used: number; start: number; end: number }

export class RateLimiter {
  private readonly buckets: Record<Resource, Bucket>;
  private contentTimes: number[] = [];
  /** Content-creating requests refused because the per-minute or per-hour cap was full. */
  contentRefused = 0;

  /** Windows that have closed, oldest first (a window closes when it is next looked at after its reset). */
  readonly closed: ClosedWindow[] = [];

  constructor(private readonly clock: Clock, private readonly limits: Limits, private readonly hourMs = HOUR_MS) {
    const now = clock.now();
    const mk = (limit: number, windowMs: number): Bucket => ({ limit, used: 0, resetAt: now + windowMs, windowMs });
    this.buckets = { core: mk(limits.core, hourMs), search: mk(limits.search, hourMs / 60), graphql: mk(limits.graphql, hourMs) };
  }

  private bucket(r: Resource): Bucket {
    const b = this.buckets[r];
    const now = this.clock.now();
    if (now >= b.resetAt) {
      this.closed.push({ resource: r, limit: b.limit, used: b.used, start: b.resetAt - b.windowMs, end: b.resetAt });
      b.used = 0;
      b.resetAt = now + b.windowMs;
    }
    return b;
  }

  view(r: Resource): BucketView {
    const b = this.bucket(r);
    return { limit: b.limit, used: b.used, remaining: Math.max(0, b.limit - b.used), reset: Math.ceil(b.resetAt / 1000), resource: r };
  }

  /** True when `cost` more units fit in the window. */
  fits(r: Resource, cost = 1): boolean {
    const b = this.bucket(r);
    return b.used + cost <= b.limit;
  }

  take(r: Resource, cost = 1): void {
    this.bucket(r).used += cost;
  }

  /** Checks (and records) a content-creating request against the per-minute and per-hour caps. */
  takeContent(): boolean {
    const now = this.clock.now();
    this.contentTimes = this.contentTimes.filter((t) => t > now - this.hourMs);
    const lastMinute = this.contentTimes.filter((t) => t > now - this.hourMs / 60).length;
    if (lastMinute >= this.limits.contentPerMinute || this.contentTimes.length >= this.limits.contentPerHour) {
      this.contentRefused += 1;
      return false;
    }
    this.contentTimes.push(now);
    return true;
  }

  headers(r: Resource): Record<string, string> {
    const v = this.view(r);
    return {
      'x-ratelimit-limit': String(v.limit),
      'x-ratelimit-remaining': String(v.remaining),
      'x-ratelimit-used': String(v.used),
      'x-ratelimit-reset': String(v.reset),
      'x-ratelimit-resource': r,
    };
  }
}

/** One limiter per token (requests without one share the anonymous limiter), made on first use. */
export class TokenLimiters {
  private readonly byToken = new Map<string, RateLimiter>();
  /** Requests being served now, across tokens (the concurrency secondary limit). */
  inFlight = 0;
  constructor(private readonly clock: Clock, private readonly limits: Limits, private readonly hourMs = HOUR_MS) {}

  for(token: string | undefined): RateLimiter {
    const key = token ?? '';
    let l = this.byToken.get(key);
    if (!l) {
      l = new RateLimiter(this.clock, this.limits, this.hourMs);
      this.byToken.set(key, l);
    }
    return l;
  }

  /** Every limiter made so far, by token ('' for anonymous). */
  all(): ReadonlyMap<string, RateLimiter> {
    return this.byToken;
  }
}

/** The token of an `Authorization: token X` / `Bearer X` header, if any. */
export function tokenOf(authorization: string | undefined): string | undefined {
  const m = /^(?:token|bearer)\s+(\S+)$/i.exec(authorization?.trim() ?? '');
  return m?.[1];
}
