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

/** Every token's closed windows, once every window whose reset has passed is closed. */
export function closedWindows(limiters: Iterable<RateLimiter>): ClosedWindow[] {
  const out: ClosedWindow[] = [];
  for (const l of limiters) {
    for (const r of ['core', 'search', 'graphql'] as const) l.view(r);
    out.push(...l.closed);
  }
  return out.sort((a, b) => a.start - b.start);
}
