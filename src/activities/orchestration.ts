import { activityInfo } from '@temporalio/activity';
import type { Pool } from 'pg';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { CampaignActivities, CampaignRepo, RecordedIssueRun, RecordIssueRunInput, RepoActivities, SelectedRepo } from '../workflows/contracts.js';
import { setIssueAfterRun, setIssuesCampaign, topIssues } from '../db/issues.js';
import { findIssueRun, upsertIssueRun } from '../db/issue-runs.js';
import { issueAfterRun } from '../campaign/retry-policy.js';
import { enqueueSignal, issueWorkflowId, type IssueOutcome, type IssueRef, type QueuedIssue } from '../workflows/shared.js';
import { findPrRow, openPrRowsSince } from '../db/pull-requests.js';
import { slotHeld } from '../db/pr-slots.js';
import { startFollowUpFromClient } from './follow-up-client.js';
import { FOLLOW_UP_DAYS } from '../workflows/follow-up-start.js';
import { followUpWorkflowId } from '../workflows/shared.js';
import { repoWorkflowStart } from '../workflows/repo-workflow-start.js';
import { beating } from './heartbeat.js';
import type { repoWorkflow } from '../workflows/repo.js';
import type { ForgeKind } from '../forge/types.js';

export interface OrchestrationDeps {
  pool: Pool;
  client: Client;
  taskQueuePrefix: string;
  /** Cool-down before an issue without a PR may be selected again (GLOBALLM_RETRY_AFTER_HOURS). */
  retryAfterHours: number;
}

/** Finished work outlives Temporal's retention: one row per issue workflow, idempotent; the issue's state follows the retry policy. */
async function recordRun(deps: OrchestrationDeps, input: RecordIssueRunInput): Promise<RecordedIssueRun> {
  await upsertIssueRun(deps.pool, {
    workflowId: input.workflowId, runId: input.runId, owner: input.ref.owner, name: input.ref.repo, issueNumber: input.ref.number,
    campaign: input.campaign ?? null, result: input.result, detail: input.detail,
  });
  const after = issueAfterRun(input.result, input.detail);
  const reason = typeof input.detail['reason'] === 'string' ? input.detail['reason'].slice(0, 1000) : null;
  await setIssueAfterRun(deps.pool, { ref: input.ref, state: after.state, reason, coolDown: after.coolDown, retryAfterHours: deps.retryAfterHours });
  return { runId: input.runId, result: input.result };
}

/**
 * The decision of an issue run that closed without a word (terminated, timed out): its PR when
 * the run's open_pr opened one (then followed, as the activity started it), none yet while a PR
 * is still being opened (the next check decides), else `failed`, to be tried again.
 */
async function decideUnreported(deps: OrchestrationDeps, run: { workflowId: string; runId: string; status: string; ref: IssueRef; campaign?: string }): Promise<{ outcome: IssueOutcome; detail: string } | null> {
  const { ref } = run;
  if (await slotHeld(deps.pool, { forge: ref.forge, owner: ref.owner, name: ref.repo, issueNumber: ref.number })) return null;
  const closed = `issue workflow ${run.status.toLowerCase()} before its decision`;
  const base = { workflowId: run.workflowId, runId: run.runId, ref, ...(run.campaign ? { campaign: run.campaign } : {}) };
  const pr = await findPrRow(deps.pool, ref.forge, { owner: ref.owner, name: ref.repo }, ref.number);
  if (pr?.number != null && (pr.state === 'draft' || pr.state === 'open')) {
    const followUp = await startFollowUpFromClient(deps.client, { ...ref, taskQueuePrefix: deps.taskQueuePrefix, ...(run.campaign ? { campaign: run.campaign } : {}) });
    const reason = `our PR #${pr.number} is open; the ${closed}`;
    await recordRun(deps, { ...base, result: 'pr_opened', detail: { reason, pr: { number: pr.number, url: pr.url, state: pr.state }, followUp } });
    return { outcome: 'pr_opened', detail: reason };
  }
  await recordRun(deps, { ...base, result: 'failed', detail: { reason: closed, final: false } });
  return { outcome: 'failed', detail: closed };
}

/** The issues a campaign selected are charged to it (its `--token-budget`) while they are worked. */
async function markSelected(pool: Pool, workflowId: string, rows: ReadonlyArray<{ forge: string; owner: string; name: string; number: number }>): Promise<void> {
  const campaign = /^campaign\/(.+)$/.exec(workflowId)?.[1];
  if (!campaign || rows.length === 0) return;
  await setIssuesCampaign(pool, campaign, rows);
}

/** Activities that keep PostgreSQL and the repository workflows in step with the campaign. */
/**
 * The follow-up of every PR recorded open in the follow-up window whose follow-up ID Temporal has
 * never seen: started. One that ran and ended (merged, closed, terminated by an operator) is left.
 */
async function ensureFollowUps(deps: OrchestrationDeps, now: Date): Promise<{ open: number; started: number }> {
  const rows = await openPrRowsSince(deps.pool, new Date(now.getTime() - FOLLOW_UP_DAYS * 86_400_000));
  let started = 0;
  for (const row of rows) {
    if (row.forge !== 'github' && row.forge !== 'local') continue;
    const ref: IssueRef = { forge: row.forge, owner: row.owner, repo: row.name, number: row.issue_number };
    try {
      await deps.client.workflow.getHandle(followUpWorkflowId(ref)).describe();
      continue;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    const s = await startFollowUpFromClient(deps.client, { ...ref, taskQueuePrefix: deps.taskQueuePrefix });
    if (!s.adopted) started++;
  }
  return { open: rows.length, started };
}

export function createOrchestrationActivities(deps: OrchestrationDeps) {
  /** Signal-with-start is atomic: the repository workflow is created on first use, then fed. */
  const enqueue = async ({ repo, issues }: { repo: CampaignRepo; issues: QueuedIssue[] }): Promise<void> => {
    await deps.client.workflow.signalWithStart<typeof repoWorkflow, [{ issues: QueuedIssue[]; forge: ForgeKind }]>('repoWorkflow', {
      ...repoWorkflowStart(repo, deps.taskQueuePrefix),
      signal: enqueueSignal,
      signalArgs: [{ issues, forge: repo.forge }],
    });
  };
  return {
    ensureFollowUps: (): Promise<{ open: number; started: number }> => beating(() => ensureFollowUps(deps, new Date())),

    recordIssueRun: (input: RecordIssueRunInput): Promise<RecordedIssueRun> => beating(() => recordRun(deps, input)),

    reconcileIssueRuns: (input: Parameters<RepoActivities['reconcileIssueRuns']>[0]): ReturnType<RepoActivities['reconcileIssueRuns']> => beating(async () => {
      const out: Awaited<ReturnType<RepoActivities['reconcileIssueRuns']>> = [];
      for (const { number, campaign } of input.issues) {
        const ref = { ...input.ref, number };
        const workflowId = issueWorkflowId(ref);
        let run: { runId: string; status: string };
        try {
          const d = await deps.client.workflow.getHandle(workflowId).describe();
          run = { runId: d.runId, status: d.status.name };
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) continue;
          throw err;
        }
        if (run.status === 'RUNNING') continue;
        const row = await findIssueRun<IssueOutcome>(deps.pool, workflowId, run.runId);
        if (row) { out.push({ number, outcome: row.result, detail: row.reason ?? '' }); continue; }
        const decided = await decideUnreported(deps, { workflowId, runId: run.runId, status: run.status, ref, ...(campaign ? { campaign } : {}) });
        if (decided) out.push({ number, ...decided });
      }
      return out;
    }),

    async campaignSelect(input: Parameters<CampaignActivities['campaignSelect']>[0]): ReturnType<CampaignActivities['campaignSelect']> {
      const rows = await topIssues(deps.pool, input.repos.map((r) => ({ forge: r.forge, owner: r.owner, repo: r.repo })), input.maxIssues);
      await markSelected(deps.pool, activityInfo().workflowExecution?.workflowId ?? '', rows);
      const byRepo = new Map<string, Required<SelectedRepo>>();
      for (const row of rows) {
        const key = `${row.forge}:${row.owner}/${row.name}`;
        const entry = byRepo.get(key) ?? { forge: row.forge as ForgeKind, owner: row.owner, repo: row.name, language: row.language, issues: [], priorities: [], titles: [] };
        entry.issues.push(row.number);
        entry.priorities.push(row.priority);
        entry.titles.push(row.title);
        byRepo.set(key, entry);
      }
      return [...byRepo.values()];
    },

    enqueueRepoIssues: enqueue,

    /** Each repository is told at once; a retry tells them again, which a repository takes as the same claim. */
    async enqueueWave(input: Parameters<CampaignActivities['enqueueWave']>[0]): Promise<void> {
      await Promise.all(input.batches.map(enqueue));
    },
  };
}
