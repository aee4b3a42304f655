import type { Client } from '@temporalio/client';
import type pg from 'pg';
import { listRankedIssues } from '../prioritize/list.js';
import { logger } from '../log.js';
import { finishedRuns, intakeCounts, outputCounts, prOutcomes, type Scope } from '../db/report.js';
import { spending } from './spending.js';
import { campaignProgress, issueWorkflows, stageDurations, type IssueWorkflow } from './temporal.js';
import type { FunnelStep, RankedRow, ReportData, RunRow } from './types.js';
import type { CampaignProgress } from '../workflows/campaign.js';

const log = logger.child({ component: 'report' });

export interface ReportSources {
  pool: pg.Pool;
  /** Absent or unreachable: the page says stage durations need Temporal, and counts come from PostgreSQL. */
  temporal?: { client: Client; namespace: string } | undefined;
  /** The Web UI each run links to. */
  uiUrl?: string | undefined;
  priceDate: string;
  now?: Date;
}

/** The Web UI page of one workflow run. */
export function runUrl(uiUrl: string | undefined, namespace: string, workflowId: string, runId: string): string | null {
  if (!uiUrl) return null;
  return `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}

async function rankedIssues(pool: pg.Pool, repos: Set<string> | null): Promise<RankedRow[]> {
  const list = await listRankedIssues(pool, { limit: 1000, explain: true });
  return list.issues.filter((i) => repos === null || repos.has(i.repo.toLowerCase())).slice(0, 25).map((i, k) => ({
    rank: k + 1, repo: i.repo, number: i.number, title: i.title, priority: i.priority,
    terms: Object.fromEntries((i.explanation?.terms ?? []).map((t) => [t.key, t.contribution])),
  }));
}

function reasonOf(detail: Record<string, unknown>): string | null {
  for (const key of ['reason', 'detail', 'message', 'summary']) {
    const v = detail[key];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return null;
}

interface TemporalView { workflows: IssueWorkflow[]; progress: CampaignProgress | null; client: Client; namespace: string }

async function readTemporal(sources: ReportSources, campaign: string | null): Promise<TemporalView | null> {
  if (!sources.temporal) return null;
  const { client, namespace } = sources.temporal;
  try {
    const [workflows, progress] = await Promise.all([issueWorkflows(client, campaign), campaign === null ? null : campaignProgress(client, campaign)]);
    return { workflows, progress, client, namespace };
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'Temporal could not be read: the report shows PostgreSQL only');
    return null;
  }
}

function funnelOf(intake: Awaited<ReturnType<typeof intakeCounts>>, output: Awaited<ReturnType<typeof outputCounts>>, enqueued: number, progress: CampaignProgress | null): FunnelStep[] {
  const first = progress
    ? { discovered: progress.repos + progress.rejected, approved: progress.repos, issues: progress.issues, analyzed: progress.analyzed }
    : intake;
  return [
    { stage: 'discovered', count: first.discovered }, { stage: 'approved', count: first.approved },
    { stage: 'issues', count: first.issues }, { stage: 'analyzed', count: first.analyzed },
    { stage: 'enqueued', count: progress?.enqueued ?? enqueued }, { stage: 'fixed', count: output.fixed },
    { stage: 'validated', count: output.validated }, { stage: 'prs', count: output.prs }, { stage: 'merged', count: output.merged },
  ];
}

/** Gathers the report: everything, or one campaign's part. */
export async function collectReport(sources: ReportSources, campaign: string | null): Promise<ReportData> {
  const { pool } = sources;
  const t = await readTemporal(sources, campaign);
  const runsRows = await finishedRuns(pool, campaign);
  const namespace = t?.namespace ?? 'default';
  const runs: RunRow[] = runsRows.map((r) => ({
    workflowId: r.workflow_id, runId: r.run_id, repo: `${r.owner}/${r.name}`, number: r.issue_number, result: r.result,
    reason: reasonOf(r.detail), finishedAt: r.finished_at.toISOString(), url: runUrl(sources.uiUrl, namespace, r.workflow_id, r.run_id),
  }));
  const recorded = new Set(runs.map((r) => r.workflowId));
  for (const wf of t?.workflows ?? []) {
    if (recorded.has(wf.workflowId)) continue;
    const [repo = '', number = '0'] = wf.key.split('#');
    runs.push({ workflowId: wf.workflowId, runId: wf.runId, repo, number: Number(number), result: wf.status, reason: null, finishedAt: null, url: runUrl(sources.uiUrl, namespace, wf.workflowId, wf.runId) });
  }
  const keys = campaign === null ? null : [...new Set([...(t?.workflows ?? []).map((w) => w.key), ...runs.map((r) => `${r.repo}#${r.number}`)])];
  const scope: Scope = { issues: keys };
  const repos = keys === null ? null : new Set(keys.map((k) => (k.split('#')[0] ?? '').toLowerCase()));
  const [intake, output, outcomes, spend, ranked] = await Promise.all([
    intakeCounts(pool, scope), outputCounts(pool, scope), prOutcomes(pool, scope),
    spending(pool, repos === null ? null : [...repos]), rankedIssues(pool, repos),
  ]);
  const enqueued = t ? t.workflows.length : runsRows.length;
  const stages = t ? await stageDurations(t.client, t.workflows) : [];
  const unknownCampaign = campaign !== null && t?.progress == null && (keys?.length ?? 0) === 0;
  const empty = unknownCampaign ? `No campaign named "${campaign}" is known to this database${t ? ' or to Temporal' : ''}.`
    : intake.discovered === 0 && runsRows.length === 0 ? 'The database holds no repositories yet: run `globallm up` or `globallm campaign start`, then make the report again.'
      : null;
  return {
    generatedAt: (sources.now ?? new Date()).toISOString(), campaign, empty,
    funnel: funnelOf(intake, output, enqueued, t?.progress ?? null),
    ranked, ...spend, prOutcomes: outcomes, stages,
    stagesNote: t ? null : 'Temporal was not reachable: per-stage durations come from workflow histories.',
    runs, failures: runs.filter((r) => r.result === 'failed' || r.result === 'no_fix'),
    priceDate: sources.priceDate,
  };
}
