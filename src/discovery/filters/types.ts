import type { RepositorySignals } from '../../scoring/signals.js';

/** Why a repository was kept or dropped, so a person can check the decision. */
export type FilterResult = { keep: true } | { keep: false; reason: string; filter: string };

export interface FilterContext {
  now: Date;
}

export interface RepositoryFilter {
  name: string;
  apply: (signals: RepositorySignals, ctx: FilterContext) => FilterResult;
}

export const KEEP: FilterResult = { keep: true };

export function drop(filter: string, reason: string): FilterResult {
  return { keep: false, reason, filter };
}
