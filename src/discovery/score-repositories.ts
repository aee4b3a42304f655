import type { Pool } from 'pg';
import { addDomain, repositorySignalsRows, updateImpacts, upsertAnalyzedRepositories, upsertGoneRepository, type AnalyzedRepositoryColumns } from '../db/repositories.js';
import { buildDependencyGraph, repositoryCentrality } from '../ecosystem/graph.js';
import type { ScoreBreakdown } from '../scoring/breakdown.js';
import { computeHealth } from '../scoring/health.js';
import { computeImpact } from '../scoring/impact.js';
import { RepositorySignals } from '../scoring/signals.js';
import { refKey, type ForgeKind, type ForgeReader, type RepoRef, type SignalsResult } from '../forge/types.js';
import { logger } from '../log.js';
import { applyFilters, defaultFilters, explainFilters, type FilterOptions, type FilterResult, type RepositoryFilter } from './filters/index.js';
import { classifyLibrary } from './filters/library.js';

const log = logger.child({ component: 'score-repositories' });

export interface FilterVerdict {
  filter: string;
  keep: boolean;
  reason: string | null;
}

/** One repository scored and judged; pure result of its signals and `now`. */
export interface ScoredRepository {
  signals: RepositorySignals;
  health: ScoreBreakdown;
  /** Impact without ecosystem centrality; refreshImpact adds the graph term afterwards. */
  impact: ScoreBreakdown;
  verdicts: FilterVerdict[];
  decision: FilterResult;
  library: ReturnType<typeof classifyLibrary>;
}

function verdicts(list: Array<{ filter: string; result: FilterResult }>): FilterVerdict[] {
  return list.map(({ filter, result }) => ({ filter, keep: result.keep, reason: result.keep ? null : result.reason }));
}

export function impactInput(kind: ForgeKind, s: RepositorySignals, centrality: number | null): Parameters<typeof computeImpact>[0] {
  // A local (closed) repository has no stars, forks or watchers: unknown, not zero, so the
  // organisation's own graph (dependents, centrality) carries its impact.
  const publicCounts = kind === 'github';
  return {
    stars: publicCounts ? s.stars : null,
    forks: publicCounts ? s.forks : null,
    watchers: publicCounts ? s.watchers : null,
    dependents: s.dependents ?? null,
    centrality,
  };
}

export function scoreSignals(kind: ForgeKind, signals: RepositorySignals, now: Date, filters: readonly RepositoryFilter[]): ScoredRepository {
  const ctx = { now };
  return {
    signals,
    health: computeHealth(signals, now),
    impact: computeImpact(impactInput(kind, signals, null)),
    verdicts: verdicts(explainFilters(signals, filters, ctx)),
    decision: applyFilters(signals, filters, ctx),
    library: classifyLibrary(signals),
  };
}

/** Inserts or updates scored repositories. Other metadata keys (the intake watermark) are kept. */
export async function storeScored(pool: Pool, kind: ForgeKind, rows: readonly ScoredRepository[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  const cols = rows.map((r): AnalyzedRepositoryColumns => ({
    owner: r.signals.owner,
    name: r.signals.name,
    language: r.signals.primaryLanguage,
    stars: r.signals.stars,
    forks: r.signals.forks,
    archived: r.signals.isArchived,
    status: r.decision.keep ? 'approved' : 'rejected',
    reject: r.decision.keep ? null : JSON.stringify({ filter: r.decision.filter, reason: r.decision.reason }),
    metadata: JSON.stringify({ signals: r.signals, filters: r.verdicts, library: r.library, gone: null }),
    health: r.health.total,
    healthBreakdown: JSON.stringify(r.health),
    impact: r.impact.total,
    impactBreakdown: JSON.stringify(r.impact),
  }));
  await upsertAnalyzedRepositories(pool, kind, cols, now);
}

/** Records that `domain`'s search found these repositories (campaigns select by it). */
export async function markFoundIn(pool: Pool, kind: ForgeKind, refs: readonly RepoRef[], domain: string): Promise<void> {
  if (refs.length === 0) return;
  await addDomain(pool, kind, refs, domain);
}

/** A repository that vanished or became private: recorded as gone, with why. */
export async function markGone(pool: Pool, kind: ForgeKind, ref: RepoRef, result: Extract<SignalsResult, { kind: 'gone' }>, now: Date): Promise<void> {
  await upsertGoneRepository(pool, kind, ref, JSON.stringify({ filter: 'gone', reason: `${result.reason}: ${result.message}` }), JSON.stringify({ gone: { reason: result.reason, message: result.message, at: now.toISOString() } }), now);
}

export interface BatchSummary {
  analyzed: number;
  approved: number;
  rejected: number;
  gone: number;
  /** Rejections per filter name (the first filter that dropped each repository). */
  rejectedBy: Record<string, number>;
}

export function emptySummary(): BatchSummary {
  return { analyzed: 0, approved: 0, rejected: 0, gone: 0, rejectedBy: {} };
}

function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

export function addSummary(a: BatchSummary, b: BatchSummary): BatchSummary {
  return {
    analyzed: a.analyzed + b.analyzed, approved: a.approved + b.approved, rejected: a.rejected + b.rejected, gone: a.gone + b.gone,
    rejectedBy: addCounts(a.rejectedBy, b.rejectedBy),
  };
}

/** Scores, judges and stores the signals of one batch; gone repositories are recorded as such. */
export async function storeSignals(pool: Pool, kind: ForgeKind, refs: readonly RepoRef[], results: ReadonlyMap<string, SignalsResult>, now: Date, filters: readonly RepositoryFilter[]): Promise<BatchSummary> {
  const summary = emptySummary();
  const scored: ScoredRepository[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    const r = results.get(refKey(ref));
    if (!r || seen.has(refKey(ref))) continue;
    seen.add(refKey(ref));
    if (r.kind === 'gone') {
      log.info({ repo: refKey(ref), reason: r.reason }, 'repository gone; recorded and skipped');
      await markGone(pool, kind, ref, r, now);
      summary.gone += 1;
      continue;
    }
    const a = scoreSignals(kind, r.signals, now, filters);
    scored.push(a);
    summary.analyzed += 1;
    if (a.decision.keep) summary.approved += 1;
    else {
      summary.rejected += 1;
      summary.rejectedBy[a.decision.filter] = (summary.rejectedBy[a.decision.filter] ?? 0) + 1;
    }
  }
  await storeScored(pool, kind, scored, now);
  return summary;
}

export interface ScoreBatchOptions {
  refs: readonly RepoRef[];
  now: Date;
  filters?: FilterOptions;
}

/** Fetches (batched) and scores the given repositories; the ecosystem term is refreshed after. */
export async function scoreBatch(deps: { pool: Pool; forge: ForgeReader }, opts: ScoreBatchOptions): Promise<BatchSummary> {
  const results = await deps.forge.repositorySignals(opts.refs, opts.now);
  return storeSignals(deps.pool, deps.forge.kind, opts.refs, results, opts.now, defaultFilters(opts.filters));
}

/**
 * Builds the ecosystem graph (edges dependent → dependency) from the manifests of every stored
 * repository of this forge, and recomputes impact with each repository's PageRank centrality.
 */
export async function refreshImpact(pool: Pool, kind: ForgeKind): Promise<{ repositories: number; graphNodes: number; graphEdges: number }> {
  const stored = await repositorySignalsRows(pool, kind);
  const rows: Array<{ id: string; key: string; signals: RepositorySignals }> = [];
  for (const r of stored) {
    const parsed = RepositorySignals.safeParse(r.signals);
    if (parsed.success) rows.push({ id: r.id, key: `${r.owner}/${r.name}`, signals: parsed.data });
  }
  const dg = buildDependencyGraph(rows.map((r) => ({ repo: r.key, manifests: r.signals.manifests })));
  const centrality = repositoryCentrality(dg);
  const ids: string[] = [];
  const totals: number[] = [];
  const breakdowns: string[] = [];
  for (const r of rows) {
    const c = centrality.get(r.key);
    const impact = computeImpact(impactInput(kind, r.signals, c ? c.normalised : null));
    ids.push(r.id);
    totals.push(impact.total);
    breakdowns.push(JSON.stringify({ ...impact, notes: [...impact.notes, ...(c ? [`pagerank ${c.pagerank.toExponential(3)} in a graph of ${dg.graph.order} packages`] : [])] }));
  }
  await updateImpacts(pool, ids, totals, breakdowns);
  return { repositories: rows.length, graphNodes: dg.graph.order, graphEdges: dg.graph.size };
}
