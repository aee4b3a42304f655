import type { Pool } from 'pg';
import { findRepositoryRecord, listRepositoryRecords, type RepositoryRecord } from '../../db/repositories.js';
import { NotFound, UsageError } from '../../errors.js';
import { parseForgeKind } from '../../forge/registry.js';
import { parseRepoRef, type ForgeKind, type RepoRef } from '../../forge/types.js';
import { REPO_STATUSES } from '../choices.js';
import { printJson, printTable } from '../output.js';
import { intFlag, openForgeDeps } from './discover.js';


export interface RepositoryRow {
  forge: string;
  repo: string;
  status: string;
  language: string | null;
  stars: number;
  health: number | null;
  impact: number | null;
  reason: string | null;
  analyzed_at: string | null;
}

export interface RepositoryDetail extends RepositoryRow {
  archived: boolean;
  health_breakdown: unknown;
  impact_breakdown: unknown;
  filters: unknown;
  library: unknown;
  gone: unknown;
  issues_watermark: string | null;
}

function row(r: RepositoryRecord): RepositoryRow {
  return {
    forge: r.forge, repo: `${r.owner}/${r.name}`, status: r.status, language: r.language, stars: r.stars,
    health: r.health === null ? null : Number(r.health.toFixed(3)), impact: r.impact === null ? null : Number(r.impact.toFixed(3)),
    reason: r.reject_reason?.reason ?? null, analyzed_at: r.analyzed_at?.toISOString() ?? null,
  };
}

export async function listRepositories(pool: Pool, opts: { forge?: ForgeKind; status?: string; limit?: number }): Promise<RepositoryRow[]> {
  if (opts.status !== undefined && !(REPO_STATUSES as readonly string[]).includes(opts.status)) {
    throw new UsageError(`unknown status "${opts.status}"; valid statuses: ${REPO_STATUSES.join(', ')}`);
  }
  const records = await listRepositoryRecords(pool, { forge: opts.forge ?? null, status: opts.status ?? null, limit: opts.limit ?? 100 });
  return records.map(row);
}

export async function showRepository(pool: Pool, forge: ForgeKind, ref: RepoRef): Promise<RepositoryDetail> {
  const r = await findRepositoryRecord(pool, forge, ref);
  if (!r) throw new NotFound(`${ref.owner}/${ref.name} is not stored for the ${forge} forge (run discover or score first)`);
  const md = r.metadata;
  return {
    ...row(r), archived: r.archived, health_breakdown: r.health_breakdown, impact_breakdown: r.impact_breakdown,
    filters: md['filters'] ?? null, library: md['library'] ?? null, gone: md['gone'] ?? null,
    issues_watermark: typeof md['issuesWatermark'] === 'string' ? md['issuesWatermark'] : null,
  };
}

interface Term { key: string; raw: unknown; normalised: number; weight: number; contribution: number; note: string }

/** Prints a repository's breakdowns as tables for people. */
export function printDetail(d: RepositoryDetail): void {
  printTable([{ repo: d.repo, forge: d.forge, status: d.status, health: d.health, impact: d.impact, reason: d.reason }]);
  for (const [title, b] of [['health', d.health_breakdown], ['impact', d.impact_breakdown]] as const) {
    const terms = (b as { terms?: Term[] } | null)?.terms ?? [];
    process.stdout.write(`\n${title} terms\n`);
    printTable(terms.map((t) => ({ term: t.key, raw: t.raw, normalised: t.normalised.toFixed(3), weight: t.weight.toFixed(3), contribution: t.contribution.toFixed(3), note: t.note })));
  }
  process.stdout.write('\nfilters\n');
  const filters = Array.isArray(d.filters) ? (d.filters as Array<{ filter: string; keep: boolean; reason: string | null }>) : [];
  printTable(filters.map((f) => ({ filter: f.filter, verdict: f.keep ? 'keep' : 'drop', reason: f.reason ?? '' })));
}

export interface ReposListFlags { status?: string; forge?: string; limit?: string; json?: boolean }

export async function reposListAction(flags: ReposListFlags): Promise<void> {
  const forge = flags.forge === undefined ? undefined : parseForgeKind(flags.forge);
  const limit = intFlag('--limit', flags.limit, 1);
  const deps = await openForgeDeps({});
  try {
    const rows = await listRepositories(deps.pool, { ...(forge ? { forge } : {}), ...(flags.status !== undefined ? { status: flags.status } : {}), ...(limit !== undefined ? { limit } : {}) });
    if (flags.json) printJson({ repositories: rows });
    else printTable(rows as unknown as Array<Record<string, unknown>>);
  } finally {
    await deps.close();
  }
}

export async function reposShowAction(repo: string, flags: { forge: string; json?: boolean }): Promise<void> {
  const forge = parseForgeKind(flags.forge);
  const ref = parseRepoRef(repo);
  const deps = await openForgeDeps({});
  try {
    const detail = await showRepository(deps.pool, forge, ref);
    if (flags.json) printJson(detail);
    else printDetail(detail);
  } finally {
    await deps.close();
  }
}
