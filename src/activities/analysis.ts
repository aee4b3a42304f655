import { heartbeat } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { IssueAnalyzer } from '../analysis/types.js';
import type { AnalyzeIssueResult, CampaignActivities } from '../workflows/contracts.js';
import type { IssueRef } from '../workflows/shared.js';
import { computePriority } from '../scoring/priority.js';
import { outcomeHistory } from '../db/outcomes.js';
import { findIssue, markAnalysisFailed, saveAnalysis, storedAnalysis, unanalyzedIssues, type StoredIssue } from '../db/issues.js';
import { NotFound, Unavailable } from '../errors.js';
import type { IssueAnalysis, IssueInput } from '../analysis/schema.js';
import { ScopeExhausted } from '../budget/errors.js';
import type { PostgresTokenBudget } from '../budget/postgres-budget.js';
import { classified } from './errors.js';

export interface AnalysisDeps {
  pool: Pool;
  /** Counts each issue worked against its language's weekly issue cap. */
  budget: Pick<PostgresTokenBudget, 'admitIssue'>;
  /** The analyzer to use for a campaign's choice (`offline`, `llm`, `auto`), with a note when it fell back. */
  analyzerFor(kind: 'offline' | 'llm' | 'auto'): { analyzer: IssueAnalyzer; note?: string };
  now?: () => Date;
}

function inputOf(issue: StoredIssue): IssueInput {
  return {
    title: issue.title, body: issue.body, labels: issue.labels, repo: `${issue.owner}/${issue.name}`, number: issue.number,
    ...(issue.language ? { language: issue.language } : {}),
  };
}

async function store(deps: AnalysisDeps, issue: StoredIssue, analysis: IssueAnalysis): Promise<AnalyzeIssueResult> {
  const outcomes = await outcomeHistory(deps.pool, issue.repositoryId, analysis.category);
  const priority = computePriority({
    repoHealth: issue.health, repoImpact: issue.impact, solvability: analysis.solvability, complexity: analysis.complexity,
    category: analysis.category, critical: analysis.critical, createdAt: issue.createdAt, comments: issue.comments, reactions: issue.reactions, outcomes,
  }, (deps.now ?? (() => new Date()))());
  await saveAnalysis(deps.pool, issue.id, analysis, priority);
  return { category: analysis.category, critical: analysis.critical, priority: priority.total, language: issue.language, analyzer: analysis.analyzer };
}

/**
 * One batch of a campaign's issues: analyzed together (the LLM analyzer puts a repository's
 * issues in one call), each stored with its priority. A final failure marks that issue failed; a
 * passing one (rate limit, outage) is thrown after the others are stored, so Temporal retries
 * the activity and it resumes with the issues still unanalyzed.
 */
async function analyzeChunk(deps: AnalysisDeps, analyzer: IssueAnalyzer, batch: StoredIssue[]): Promise<{ analyzed: number; failed: number; firstError?: string }> {
  const outcomes = await analyzer.analyzeBatch(batch.map(inputOf));
  let analyzed = 0;
  let failed = 0;
  let passing: string | undefined;
  let firstError: string | undefined;
  for (const [i, issue] of batch.entries()) {
    const outcome = outcomes[i];
    if (outcome?.ok) {
      await store(deps, issue, outcome.analysis);
      analyzed++;
    } else if (outcome?.retryable) {
      passing ??= outcome.error;
    } else {
      failed++;
      firstError ??= outcome?.error ?? 'no outcome';
      await markAnalysisFailed(deps.pool, issue.id, `analysis failed: ${outcome?.error ?? 'no outcome'}`.slice(0, 500));
    }
  }
  if (passing !== undefined) throw new Unavailable(`analysis will be retried: ${passing}`);
  return { analyzed, failed, ...(firstError !== undefined ? { firstError } : {}) };
}

/** Counts the issue against its language's weekly cap; the reason to skip it when the cap is reached. */
async function admit(deps: AnalysisDeps, issue: StoredIssue): Promise<string | undefined> {
  try {
    await deps.budget.admitIssue({ language: issue.language ?? '', issue: `${issue.owner}/${issue.name}#${issue.number}` });
    return undefined;
  } catch (err) {
    if (err instanceof ScopeExhausted) return err.message;
    throw err;
  }
}

/**
 * What is on record for an issue without running an analyzer: skipped at intake, past its
 * language's weekly cap (counted once however often it is asked), or analyzed already by its
 * campaign's batch. `result` is null when an analyzer must run.
 */
async function onRecord(deps: AnalysisDeps, ref: IssueRef): Promise<{ issue: StoredIssue; result: AnalyzeIssueResult | null }> {
  const issue = await findIssue(deps.pool, ref);
  if (!issue) throw new NotFound(`issue ${ref.owner}/${ref.repo}#${ref.number} is not in the database (run intake first)`);
  if (issue.state === 'skipped') {
    return { issue, result: { category: 'other', critical: false, priority: null, language: issue.language, analyzer: 'intake', skip: issue.skipReason ?? 'skipped at intake' } };
  }
  if (issue.language) {
    const capped = await admit(deps, issue);
    if (capped) return { issue, result: { category: 'other', critical: false, priority: null, language: issue.language, analyzer: 'budget', skip: capped } };
  }
  // Analyzed already (by the campaign's batch): reuse it rather than pay for it twice.
  const row = await storedAnalysis(deps.pool, issue.id);
  return { issue, result: row ? { category: row.category, critical: row.critical, priority: row.priority, language: issue.language, analyzer: row.analyzer ?? 'stored' } : null };
}

/** Issues read and analyzed together by a campaign (the LLM analyzer splits them by repository and batch size). */
const ANALYZE_BATCH = 50;

/** Says how many issues the analyzer failed on, and the first reason, so a run without analyses says why. */
export function failureNote(failed: number, analyzed: number, analyzer: string, firstError: string | undefined): string | undefined {
  if (failed === 0) return undefined;
  return `${failed} of ${failed + analyzed} issues failed analysis with ${analyzer} (first: ${(firstError ?? 'unknown error').slice(0, 300)})`;
}

/** Analysis activities: one issue (the issue workflow's first stage) or a campaign's batch. */
export function createAnalysisActivities(deps: AnalysisDeps) {
  return {
    /** The issue's analysis when no analyzer needs to run (see `analysisOnRecord`); null otherwise. */
    async analysisOnRecord(ref: IssueRef): Promise<AnalyzeIssueResult | null> {
      return (await onRecord(deps, ref)).result;
    },

    async analyzeIssue(ref: IssueRef): Promise<AnalyzeIssueResult> {
      const { issue, result } = await onRecord(deps, ref);
      if (result) return result;
      const { analyzer } = deps.analyzerFor('auto');
      return store(deps, issue, await analyzer.analyze(inputOf(issue)));
    },

    /**
     * Analyzes the campaign's unanalyzed issues. Only a failure caused by the issue itself (model
     * output for it that stays invalid, a refusal) marks it failed, with the reason. Anything else
     * (an outage, the budget) fails the attempt: Temporal retries it, resuming where it stopped,
     * and issues still unanalyzed stay open for a later campaign.
     */
    campaignAnalyze: (input: Parameters<CampaignActivities['campaignAnalyze']>[0]): ReturnType<CampaignActivities['campaignAnalyze']> => classified(async () => {
      const { analyzer, note } = deps.analyzerFor(input.campaign.analyzer);
      const keys = input.repos.map((r) => ({ forge: r.forge, owner: r.owner, repo: r.repo }));
      let analyzed = 0;
      let failed = 0;
      let firstError: string | undefined;
      // Each pass takes the next unanalyzed batch, so a retried attempt resumes where the last stopped.
      for (;;) {
        const batch = await unanalyzedIssues(deps.pool, keys, ANALYZE_BATCH);
        if (batch.length === 0) break;
        const done = await analyzeChunk(deps, analyzer, batch);
        analyzed += done.analyzed;
        failed += done.failed;
        firstError ??= done.firstError;
        heartbeat({ analyzed, failed });
      }
      const notes = [note, failureNote(failed, analyzed, analyzer.name, firstError)].filter((n) => n !== undefined);
      return { analyzed, failed, analyzer: analyzer.name, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
    }),
  };
}
