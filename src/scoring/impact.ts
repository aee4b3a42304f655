import type { ScoreBreakdown, ScoreTerm } from './breakdown.js';
import { sumContributions, term } from './breakdown.js';
import { clamp01, logScale } from './normalize.js';

/**
 * Impact weights (sum 1), after the OpenSSF criticality score: every count is log-scaled,
 * log(1 + s) / log(1 + max(s, cap)), so the tenth thousand stars matter less than the first.
 * - stars 0.30 (cap 50,000) — reach among people.
 * - dependents 0.30 (cap 5,000) — packages that would inherit a fix; criticality weights
 *   dependents among its heaviest signals.
 * - centrality 0.20 — PageRank in the ecosystem dependency graph, already 0–1 (normalised by
 *   the most central repository of the graph): being depended on by what is depended on.
 * - forks 0.10 (cap 10,000), watchers 0.10 (cap 5,000).
 * A signal that is unknown (null/undefined: dependents not looked up, no graph built, a
 * closed-source repository without stars) is left out and its weight is shared among the known
 * ones in proportion to their weights; its breakdown row says "unknown" with weight 0.
 */
export const IMPACT_WEIGHTS = {
  stars: 0.3,
  dependents: 0.3,
  centrality: 0.2,
  forks: 0.1,
  watchers: 0.1,
} as const;

export const IMPACT_CAPS = {
  stars: 50_000,
  dependents: 5_000,
  forks: 10_000,
  watchers: 5_000,
} as const;

export type ImpactKey = keyof typeof IMPACT_WEIGHTS;

export interface ImpactInput {
  stars?: number | null;
  dependents?: number | null;
  forks?: number | null;
  watchers?: number | null;
  /** Normalised PageRank centrality, 0–1. */
  centrality?: number | null;
}

function known(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function normalise(key: ImpactKey, v: number): { value: number; note: string } {
  if (key === 'centrality') return { value: clamp01(v), note: 'normalised PageRank (1 = most central repository in the graph)' };
  const cap = IMPACT_CAPS[key];
  return { value: logScale(v, cap), note: `log(1+s)/log(1+max(s, ${cap}))` };
}

/** Impact 0–1 with its breakdown. */
export function computeImpact(input: ImpactInput): ScoreBreakdown {
  const keys = Object.keys(IMPACT_WEIGHTS) as ImpactKey[];
  const knownWeight = keys.reduce((sum, k) => sum + (known(input[k]) ? IMPACT_WEIGHTS[k] : 0), 0);
  const notes: string[] = [];
  if (knownWeight === 0) notes.push('no impact signal known');
  else if (knownWeight < 1) {
    notes.push(`unknown: ${keys.filter((k) => !known(input[k])).join(', ')}; their weight was shared among the known signals`);
  }
  const terms: ScoreTerm[] = keys.map((k) => {
    const v = input[k];
    if (!known(v)) return term(k, null, 0, 0, 'unknown');
    const { value, note } = normalise(k, v);
    return term(k, v, value, IMPACT_WEIGHTS[k] / knownWeight, note);
  });
  return { total: clamp01(sumContributions(terms)), terms, notes };
}
