/** Primary and secondary rate limits modelled on GitHub's, on a movable clock. */
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

export class RateLimiter {
  private readonly buckets: Record<Resource, Bucket>;
  private contentTimes: number[] = [];
  inFlight = 0;
  /** Content-creating requests refused because the per-minute or per-hour cap was full. */
  contentRefused = 0;

  constructor(private readonly clock: Clock, private readonly limits: Limits) {
    const now = clock.now();
    const mk = (limit: number, windowMs: number): Bucket => ({ limit, used: 0, resetAt: now + windowMs, windowMs });
    this.buckets = { core: mk(limits.core, 3_600_000), search: mk(limits.search, 60_000), graphql: mk(limits.graphql, 3_600_000) };
  }

  private bucket(r: Resource): Bucket {
    const b = this.buckets[r];
    const now = this.clock.now();
    if (now >= b.resetAt) {
      b.used = 0;
      b.resetAt = now + b.windowMs;
    }
    return b;
  }

  view(r: Resource): BucketView {
    const b = this.bucket(r);
    return { limit: b.limit, used: b.used, remaining: Math.max(0, b.limit - b.used), reset: Math.floor(b.resetAt / 1000), resource: r };
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
    this.contentTimes = this.contentTimes.filter((t) => t > now - 3_600_000);
    const lastMinute = this.contentTimes.filter((t) => t > now - 60_000).length;
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
