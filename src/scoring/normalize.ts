/** Pure numeric helpers shared by the scores. None of them returns NaN. */

const DAY_MS = 86_400_000;

export function clamp01(x: number): number {
  if (!Number.isFinite(x)) return x === Infinity ? 1 : 0;
  return Math.min(1, Math.max(0, x));
}

/**
 * OpenSSF criticality-score scaling: log(1 + s) / log(1 + max(s, cap)). 0 at s = 0, 1 from the
 * cap upwards; negative or non-finite inputs count as 0.
 */
export function logScale(s: number, cap: number): number {
  const v = Number.isFinite(s) && s > 0 ? s : 0;
  if (cap <= 0) throw new RangeError('cap must be positive');
  return Math.log1p(v) / Math.log1p(Math.max(v, cap));
}

/** Whole days from an ISO instant to `now` (never negative); null for a missing or invalid date. */
export function daysSince(iso: string | null | undefined, now: Date): number | null {
  if (iso === null || iso === undefined) return null;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  return Math.max(0, (now.getTime() - t) / DAY_MS);
}

export function median(values: readonly number[]): number | null {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = Math.floor(xs.length / 2);
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/** CHAOSS contributor absence factor: the fewest authors who together made at least half the commits. */
export function busFactor(commitsByAuthor: Readonly<Record<string, number>>): number {
  const counts = Object.values(commitsByAuthor).filter((c) => c > 0).sort((a, b) => b - a);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  let acc = 0;
  for (let i = 0; i < counts.length; i++) {
    acc += counts[i]!;
    if (acc * 2 >= total) return i + 1;
  }
  return counts.length;
}

/** Bot accounts (`dependabot[bot]`, `renovate-bot`, `github-actions`) are not contributors. */
export function isBotAuthor(author: string): boolean {
  return /\[bot\]$|(^|[-_])bot$|^github-actions|^dependabot|^renovate|^pre-commit-ci/i.test(author);
}

export function humanAuthors(commitsByAuthor: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(commitsByAuthor).filter(([a, c]) => c > 0 && !isBotAuthor(a)));
}
