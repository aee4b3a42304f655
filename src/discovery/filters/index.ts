import type { RepositorySignals } from '../../scoring/signals.js';
import { healthFilter } from './health.js';
import { languageFilter } from './language.js';
import { libraryFilter } from './library.js';
import { qualityFilter } from './quality.js';
import { statusFilter } from './status.js';
import { KEEP, type FilterContext, type FilterResult, type RepositoryFilter } from './types.js';

export interface FilterOptions {
  /** Minimum health 0–1; omit to skip the health filter. */
  minHealth?: number;
  requireTests?: boolean;
}

/** The discovery filters in order: cheapest and most decisive first. */
export function defaultFilters(options: FilterOptions = {}): RepositoryFilter[] {
  const filters = [statusFilter, languageFilter, libraryFilter];
  if (options.requireTests ?? true) filters.push(qualityFilter);
  if (options.minHealth !== undefined) filters.push(healthFilter(options.minHealth));
  return filters;
}

/** The first filter that drops the repository, or keep. */
export function applyFilters(s: RepositorySignals, filters: readonly RepositoryFilter[], ctx: FilterContext): FilterResult {
  for (const f of filters) {
    const r = f.apply(s, ctx);
    if (!r.keep) return r;
  }
  return KEEP;
}

/** Every filter's verdict, for `--explain`. */
export function explainFilters(s: RepositorySignals, filters: readonly RepositoryFilter[], ctx: FilterContext): Array<{ filter: string; result: FilterResult }> {
  return filters.map((f) => ({ filter: f.name, result: f.apply(s, ctx) }));
}

export { healthFilter, languageFilter, libraryFilter, qualityFilter, statusFilter };
export type { FilterContext, FilterResult, RepositoryFilter };
