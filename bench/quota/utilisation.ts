// How much of the quota a campaign was allowed it used: per resource, the units used in the quota
// windows that closed while the campaign ran, over the limit times the span those windows cover
// (so time lost between one window's reset and the next request counts as unused quota).
import type { ClosedWindow, RateLimiter, Resource } from '../../src/sim/github/limits.js';

export interface Utilisation { resource: Resource; windows: number; used: number; allowed: number; share: number }

export function utilisation(windows: readonly ClosedWindow[], resource: Resource, from: number, to: number, windowMs: number): Utilisation {
  const ws = windows.filter((w) => w.resource === resource && w.start >= from - 1_000 && w.end <= to);
  const first = ws[0];
  const last = ws.at(-1);
  if (!first || !last) return { resource, windows: 0, used: 0, allowed: 0, share: 0 };
  const used = ws.reduce((n, w) => n + w.used, 0);
  const allowed = first.limit * ((last.end - first.start) / windowMs);
  return { resource, windows: ws.length, used, allowed: Math.round(allowed), share: allowed > 0 ? used / allowed : 0 };
}

/** A token's closed windows, once every window whose reset has passed is closed. */
export function closedWindows(limiter: RateLimiter): ClosedWindow[] {
  for (const r of ['core', 'search', 'graphql'] as const) limiter.view(r);
  return [...limiter.closed].sort((a, b) => a.start - b.start);
}

/** Several tokens together: the units they used over the quota they were allowed, summed. */
export function totalUtilisation(perToken: readonly Utilisation[], resource: Resource): Utilisation {
  const mine = perToken.filter((u) => u.resource === resource);
  const used = mine.reduce((n, u) => n + u.used, 0);
  const allowed = mine.reduce((n, u) => n + u.allowed, 0);
  return { resource, windows: mine.reduce((n, u) => n + u.windows, 0), used, allowed, share: allowed > 0 ? used / allowed : 0 };
}
