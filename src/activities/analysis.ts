import { heartbeat } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { IssueAnalyzer } from '../analysis/types.js';
import type { AnalyzeIssueResult, CampaignActivities } from './contracts.js';
import type { IssueRef } from '../workflows/shared.js';
import { computePriority } from '../scoring/priority.js';
import { findIssue, saveAnalysis, unanalyzedIssues, type StoredIssue } from '../store/issues.js';
import { InvalidModelOutput, NotFound } from '../errors.js';
import { classified } from './errors.js';

export interface AnalysisDeps {
  pool: Pool;
  /** The analyzer to use for a campaign's choice (`offline`, `llm`, `auto`), with a note when it fell back. */
  analyzerFor(kind: 'offline' | 'llm' | 'auto'): { analyzer: IssueAnalyzer; note?: string };
  now?: () => Date;
}

async function analyzeAndStore(deps: AnalysisDeps, analyzer: IssueAnalyzer, issue: StoredIssue): Promise<AnalyzeIssueResult> {
  const analysis = await analyzer.analyze({ title: issue.title, body: issue.body, labels: issue.labels, repo: `${issue.owner}/${issue.name}`, number: issue.number });
  const priority = computePriority({
    repoHealth: issue.health, repoImpact: issue.impact, solvability: analysis.solvability, complexity: analysis.complexity,
    category: analysis.category, createdAt: issue.createdAt, comments: issue.comments, reactions: issue.reactions,
  }, (deps.now ?? (() => new Date()))());
  await saveAnalysis(deps.pool, issue.id, analysis, priority);
  return { category: analysis.category, critical: analysis.critical, priority: priority.total, language: issue.language, analyzer: analysis.analyzer };
}

/** Analysis activities: one issue (the issue workflow's first stage) or a campaign's batch. */
export function createAnalysisActivities(deps: AnalysisDeps) {
  return {
    async analyzeIssue(ref: IssueRef): Promise<AnalyzeIssueResult> {
      const issue = await findIssue(deps.pool, ref);
      if (!issue) throw new NotFound(`issue ${ref.owner}/${ref.repo}#${ref.number} is not in the database (run intake first)`);
      if (issue.state === 'skipped') {
        return { category: 'other', critical: false, priority: null, language: issue.language, analyzer: 'intake', skip: issue.skipReason ?? 'skipped at intake' };
      }
      // Analyzed already (by the campaign's batch): reuse it rather than pay for it twice.
      const stored = await deps.pool.query<{ category: string; critical: boolean; priority: number | null; analyzer: string | null }>(
        `SELECT category, critical, priority, analysis->>'analyzer' AS analyzer FROM issues WHERE id = $1 AND analyzed_at IS NOT NULL`, [issue.id]);
      const row = stored.rows[0];
      if (row) return { category: row.category, critical: row.critical, priority: row.priority, language: issue.language, analyzer: row.analyzer ?? 'stored' };
      const { analyzer } = deps.analyzerFor('auto');
      return analyzeAndStore(deps, analyzer, issue);
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
      // Each pass takes the next unanalyzed batch, so a retried attempt resumes where the last stopped.
      for (;;) {
        const batch = await unanalyzedIssues(deps.pool, keys, 50);
        if (batch.length === 0) break;
        for (const issue of batch) {
          try {
            await analyzeAndStore(deps, analyzer, issue);
            analyzed++;
          } catch (err) {
            if (!(err instanceof InvalidModelOutput)) throw err;
            failed++;
            await deps.pool.query(`UPDATE issues SET state = 'failed', skip_reason = $2 WHERE id = $1`, [issue.id, `analysis failed: ${err.message.slice(0, 500)}`]);
          }
          heartbeat({ analyzed, failed });
        }
      }
      return { analyzed, failed, analyzer: analyzer.name, ...(note ? { note } : {}) };
    }),
  };
}
