import type { BaseSearch } from '../types.js';
import { DAY_MS, isoDay } from '../../util/days.js';

/**
 * GitHub search returns at most 1,000 results per query, whatever the pagination. To list more,
 * a query is split into star ranges, and a single star value that still has more than 1,000
 * results into `created:` date windows. Planning is pure: the caller supplies `count`, which asks
 * GitHub for `total_count` (one search request, `per_page=1`), so all I/O stays outside.
 */

export const GITHUB_SEARCH_CAP = 1000;
/** GitHub opened in 2008; no repository was created earlier. */
export const EARLIEST_CREATED = '2008-01-01';

export interface StarRange {
  min: number;
  /** Inclusive; null means open-ended. */
  max: number | null;
}

export interface DateWindow {
  /** Inclusive YYYY-MM-DD. */
  from: string;
  to: string;
}

export interface SliceSpec {
  base: BaseSearch;
  stars: StarRange;
  created: DateWindow | null;
}

export interface Slice extends SliceSpec {
  query: string;
  totalCount: number;
  /** False when the slice still exceeds the cap but cannot be split further (one star value, one day) or the count budget ran out. */
  complete: boolean;
}

export type CountFn = (query: string, spec: SliceSpec) => Promise<number>;

export interface SlicePlanOptions {
  now: Date;
  limit?: number;
  earliestCreated?: string;
  /** Upper bound on count requests (search allows 30 a minute). */
  maxCountRequests?: number;
}

function dayNumber(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
}

function dayString(n: number): string {
  return isoDay(new Date(n * DAY_MS));
}

function qualifierValue(v: string): string {
  const lower = v.toLowerCase();
  return /^[a-z0-9_.+#-]+$/.test(lower) && !lower.includes('"') ? lower : `"${lower.replace(/"/g, '')}"`;
}

function starsQualifier(r: StarRange): string {
  if (r.max === null) return `stars:>=${r.min}`;
  return r.min === r.max ? `stars:${r.min}` : `stars:${r.min}..${r.max}`;
}

/**
 * The GitHub search string for one slice, most-starred first, e.g.
 * `llm stars:1000..1999 pushed:>=2025-08-27 language:python archived:false fork:false sort:stars-desc`.
 */
export function sliceQuery(spec: SliceSpec): string {
  const parts = [spec.base.text.trim(), starsQualifier(spec.stars)];
  if (spec.created !== null) parts.push(`created:${spec.created.from}..${spec.created.to}`);
  if (spec.base.pushedSince !== undefined) parts.push(`pushed:>=${spec.base.pushedSince}`);
  if (spec.base.language !== undefined) parts.push(`language:${qualifierValue(spec.base.language)}`);
  if (spec.base.topic !== undefined) parts.push(`topic:${qualifierValue(spec.base.topic)}`);
  parts.push('archived:false', 'fork:false', 'sort:stars-desc');
  return parts.filter((p) => p !== '').join(' ');
}

/** Splits a star range in two, geometrically (star counts are heavy-tailed); null when it is one value. */
function splitStars(r: StarRange): [StarRange, StarRange] | null {
  if (r.max === null) {
    const mid = Math.max(r.min + 1, r.min * 2);
    return [{ min: r.min, max: mid - 1 }, { min: mid, max: null }];
  }
  if (r.min >= r.max) return null;
  const geo = Math.round(Math.sqrt(Math.max(r.min, 1) * (r.max + 1)));
  const mid = Math.min(r.max, Math.max(r.min + 1, geo));
  return [{ min: r.min, max: mid - 1 }, { min: mid, max: r.max }];
}

function splitWindow(w: DateWindow): [DateWindow, DateWindow] | null {
  const a = dayNumber(w.from);
  const b = dayNumber(w.to);
  if (a >= b) return null;
  const mid = Math.floor((a + b) / 2);
  return [{ from: w.from, to: dayString(mid) }, { from: dayString(mid + 1), to: w.to }];
}

function split(spec: SliceSpec, earliest: string, now: Date): [SliceSpec, SliceSpec] | null {
  const stars = splitStars(spec.stars);
  if (stars !== null) return [{ ...spec, stars: stars[0] }, { ...spec, stars: stars[1] }];
  const window = splitWindow(spec.created ?? { from: earliest, to: isoDay(now) });
  if (window === null) return null;
  return [{ ...spec, created: window[0] }, { ...spec, created: window[1] }];
}

/**
 * Yields slices most important first — descending stars (within one star range, newest created
 * window first) — that together cover the base search exactly once (no gaps, no overlap), each
 * with at most `limit` results unless marked incomplete. A caller that stops after `max`
 * repositories therefore keeps the most-starred ones.
 */
export async function* planSlices(base: BaseSearch, count: CountFn, options: SlicePlanOptions): AsyncGenerator<Slice> {
  const limit = options.limit ?? GITHUB_SEARCH_CAP;
  const earliest = options.earliestCreated ?? EARLIEST_CREATED;
  let budget = options.maxCountRequests ?? 400;
  const measure = async (spec: SliceSpec): Promise<Slice> => {
    budget -= 1;
    const query = sliceQuery(spec);
    const n = await count(query, spec);
    return { ...spec, query, totalCount: Number.isFinite(n) && n > 0 ? Math.floor(n) : 0, complete: true };
  };
  const root: SliceSpec = { base, stars: { min: Math.max(0, Math.floor(base.minStars)), max: null }, created: null };
  const stack: Slice[] = [await measure(root)];
  while (stack.length > 0) {
    const slice = stack.pop()!;
    if (slice.totalCount === 0) continue;
    if (slice.totalCount <= limit) {
      yield slice;
      continue;
    }
    const children = split(slice, earliest, options.now);
    if (children === null || budget < 2) {
      yield { ...slice, complete: false };
      continue;
    }
    const [left, right] = children;
    const measuredLeft = await measure(left);
    const measuredRight = await measure(right);
    // The stack pops the last pushed: the higher star range (or later window) goes first.
    stack.push(measuredLeft, measuredRight);
  }
}
