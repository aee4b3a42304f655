import type { Pool } from 'pg';
import { refKey, type ForgeReader, type RepoRef, type SignalsResult } from '../forge/types.js';
import { logger } from '../log.js';
import { addSummary, emptySummary, markFoundIn, refreshImpact, storeSignals } from './score-repositories.js';
import { DOMAINS, type DiscoveryQuery } from './domains.js';
import { defaultFilters, type FilterOptions } from './filters/index.js';
import type { DiscoveryFunnel } from './funnel.js';
import { baseSearchFor } from './base-search.js';

const log = logger.child({ component: 'discovery' });

/** Where a discovery run is: the keyword query it is on and how many repositories are done. */
export interface DiscoveryCheckpoint {
  /** Index into the domain's keyword queries; queries before it are finished. */
  cursor: number;
  done: number;
}

export interface DiscoveryOptions {
  query: DiscoveryQuery;
  max: number;
  now: Date;
  filters?: FilterOptions;
  /** Resume from a checkpoint (an activity's last heartbeat). */
  from?: DiscoveryCheckpoint;
  /** Called after each stored page and each finished keyword query. */
  onProgress?: (p: DiscoveryCheckpoint & { total: number }) => void | Promise<void>;
}

export interface DiscoverySummary extends DiscoveryFunnel {
  /** Sum of the search totals of the keyword queries (before dedupe and max). */
  matched: number;
  queries: number;
  graph: { repositories: number; graphNodes: number; graphEdges: number };
}

/**
 * Discover: each keyword query of the domain × language × min stars × pushed-within, sliced
 * past the 1,000 cap by the forge, deduplicated, filtered (reasons recorded), scored (health
 * and impact with breakdowns) and stored; finally the ecosystem graph adds centrality to impact.
 */
export async function runDiscovery(deps: { pool: Pool; forge: ForgeReader }, opts: DiscoveryOptions): Promise<DiscoverySummary> {
  if (!Number.isInteger(opts.max) || opts.max <= 0) throw new RangeError('max must be a positive integer');
  const keywords = DOMAINS[opts.query.domain];
  const filters = defaultFilters(opts.filters);
  const seen = new Set<string>();
  let summary = emptySummary();
  let done = opts.from?.done ?? 0;
  let matched = 0;
  let queries = 0;
  for (let cursor = opts.from?.cursor ?? 0; cursor < keywords.length && done < opts.max; cursor++) {
    const base = baseSearchFor(opts.query, keywords[cursor] ?? '', opts.now);
    const result = await deps.forge.searchRepositories(base, { max: opts.max - done, now: opts.now });
    matched += result.totalCount;
    queries += 1;
    for await (const page of result.pages) {
      const fresh: RepoRef[] = [];
      for (const r of page.refs) {
        const k = refKey(r);
        if (seen.has(k) || done + fresh.length >= opts.max) continue;
        seen.add(k);
        fresh.push(r);
      }
      if (fresh.length === 0) continue;
      const signals = new Map<string, SignalsResult>();
      const missing = fresh.filter((r) => {
        const s = page.signals.get(refKey(r));
        if (s) signals.set(refKey(r), s);
        return !s;
      });
      if (missing.length > 0) for (const [k, v] of await deps.forge.repositorySignals(missing, opts.now)) signals.set(k, v);
      summary = addSummary(summary, await storeSignals(deps.pool, deps.forge.kind, fresh, signals, opts.now, filters));
      await markFoundIn(deps.pool, deps.forge.kind, fresh, opts.query.domain);
      done += fresh.length;
      await opts.onProgress?.({ cursor, done, total: opts.max });
      if (done >= opts.max) break;
    }
    await opts.onProgress?.({ cursor: cursor + 1, done, total: opts.max });
  }
  const graph = await refreshImpact(deps.pool, deps.forge.kind);
  const { minStars, pushedSince, language, topic } = baseSearchFor(opts.query, '', opts.now);
  log.info({ domain: opts.query.domain, ...summary, matched }, 'discovery finished');
  return { ...summary, matched, queries, search: { minStars, pushedSince, language, topic }, graph };
}
