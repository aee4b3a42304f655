import type pg from 'pg';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { normaliseRepo } from '../budget/scopes.js';
import { logger } from '../log.js';
import { explainBreakdown, type ExplainedPriority } from './explain.js';
import { rankedIssueRows, rankingState, type RankingState } from '../db/rankings.js';

const log = logger.child({ component: 'issues-list' });

export const ListIssuesOptions = z.object({
  repo: z.string().optional(),
  limit: z.coerce.number({ error: '--limit must be a whole number from 1 to 1000' }).int('--limit must be a whole number from 1 to 1000')
    .min(1, '--limit must be a whole number from 1 to 1000').max(1000, '--limit must be a whole number from 1 to 1000').default(20),
  explain: z.boolean().default(false),
  json: z.boolean().default(false),
});
export type ListIssuesOptions = z.input<typeof ListIssuesOptions>;

export interface RankedIssue {
  rank: number;
  repo: string;
  number: number;
  title: string;
  category: string | null;
  priority: number;
  rankedAt: string | null;
  explanation?: ExplainedPriority | null;
}

export function parseListOptions(input: unknown): z.output<typeof ListIssuesOptions> {
  const r = ListIssuesOptions.safeParse(input);
  if (!r.success) throw new UsageError(r.error.issues.map((i) => i.message).join('; '));
  if (r.data.repo !== undefined) r.data.repo = normaliseRepo(r.data.repo); // UsageError when malformed
  return r.data;
}

/** What a reader should say when it had to compute the ranking itself. */
export function rerankNeededMessage(state: Exclude<RankingState, 'ready'>): string {
  const why = state === 'missing' ? 'the ranking table is missing' : 'the ranking is empty (never built, or lost in a database crash)';
  return `re-rank needed: ${why}; priorities were computed on the fly. Run \`globallm issues rerank\` to rebuild it.`;
}

export interface RankedList {
  issues: RankedIssue[];
  /** `ranking`: read from issue_ranks; `live`: computed on the fly because the ranking is not ready. */
  source: 'ranking' | 'live';
  /** Set when the ranking is missing or empty: a re-rank is needed. */
  notice?: string;
}

/**
 * Open issues by priority (highest first), optionally of one repository, with their breakdowns,
 * from the stored ranking. When the ranking is missing or empty the same priorities are
 * computed on the fly (slower: every open issue is scored) and `notice` says a re-rank is needed.
 * Rows are joined with the issues as they are now, so an issue closed since the last re-rank
 * is not listed; the raw inputs shown by --explain are the issue's current columns.
 */
export async function listRankedIssues(pool: pg.Pool, input: unknown): Promise<RankedList> {
  const opts = parseListOptions(input);
  const state = await rankingState(pool);
  const rows = await rankedIssueRows(pool, state, { repo: opts.repo, limit: opts.limit });
  const issues = rows.map((row, i) => {
    const issue: RankedIssue = {
      rank: i + 1,
      repo: `${row.owner}/${row.name}`,
      number: row.number,
      title: row.title,
      category: row.category,
      priority: row.priority,
      rankedAt: row.ranked_at ? row.ranked_at.toISOString() : null,
    };
    if (opts.explain) {
      issue.explanation = explainBreakdown(row.breakdown, {
        repoHealth: row.health, repoImpact: row.impact, solvability: row.solvability, complexity: row.complexity,
        category: row.category, createdAt: row.created_at, rankedAt: row.ranked_at, comments: row.comments, reactions: row.reactions,
      });
    }
    return issue;
  });
  if (state === 'ready') return { issues, source: 'ranking' };
  log.warn({ state }, 're-rank needed');
  return { issues, source: 'live', notice: rerankNeededMessage(state) };
}
