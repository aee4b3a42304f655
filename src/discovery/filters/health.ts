import { computeHealth } from '../../scoring/health.js';
import { drop, KEEP, type RepositoryFilter } from './types.js';

/** Drops repositories whose health is under `threshold` (0–1), naming the weakest terms. */
export function healthFilter(threshold: number): RepositoryFilter {
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) throw new RangeError('health threshold must be within 0–1');
  return {
    name: 'health',
    apply: (s, ctx) => {
      const h = computeHealth(s, ctx.now);
      if (h.total >= threshold) return KEEP;
      const weakest = [...h.terms].sort((a, b) => (b.weight - b.contribution) - (a.weight - a.contribution)).slice(0, 2);
      const why = [...h.notes, ...weakest.map((t) => `${t.key}: ${t.note}`)].join('; ');
      return drop('health', `health ${h.total.toFixed(2)} < ${threshold} (${why})`);
    },
  };
}
