import type { BatchSummary } from './score-repositories.js';

/** The search qualifiers every keyword query of a discovery shares. */
export interface SearchQualifiers {
  minStars: number;
  pushedSince: string | undefined;
  language: string | undefined;
  topic: string | undefined;
}

/** What a discovery removed at each step: the search, then each filter in order. */
export interface DiscoveryFunnel extends BatchSummary {
  matched: number;
  search: SearchQualifiers;
}

function qualifierText(q: SearchQualifiers): string {
  const parts = [`stars ≥ ${q.minStars}`];
  if (q.pushedSince !== undefined) parts.push(`pushed since ${q.pushedSince}`);
  if (q.language !== undefined) parts.push(`language ${q.language}`);
  if (q.topic !== undefined) parts.push(`topic ${q.topic}`);
  parts.push('not archived', 'not a fork');
  return parts.join(', ');
}

/** `library 2, quality 1`: rejections per filter, largest first; `none` when nothing was rejected. */
export function rejectedByText(rejectedBy: Record<string, number> | undefined): string {
  const entries = Object.entries(rejectedBy ?? {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length === 0 ? 'none' : entries.map(([f, n]) => `${f} ${n}`).join(', ');
}

/**
 * One line saying which step removed what, e.g. `search matched 6 (stars ≥ 100, …); analyzed 6;
 * rejected by library 2, quality 4; gone 0; approved 0`.
 */
export function describeFunnel(f: DiscoveryFunnel): string {
  return [
    `search matched ${f.matched} (${qualifierText(f.search)})`,
    `analyzed ${f.analyzed}`,
    `rejected by ${rejectedByText(f.rejectedBy)}`,
    `gone ${f.gone}`,
    `approved ${f.approved}`,
  ].join('; ');
}
