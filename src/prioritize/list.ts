import type pg from 'pg';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { normaliseRepo } from '../budget/scopes.js';
import { logger } from '../log.js';
import { explainBreakdown, type ExplainedPriority } from './explain.js';
import { rankingState, rankSource, rerankNeededMessage } from './ranking.js';
import { SqlParams } from './sql-params.js';

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

interface Row {
  owner: string; name: string; number: number; title: string; category: string | null;
  priority: number; ranked_at: Date | null; breakdown: unknown;
  health: number | null; impact: number | null; solvability: number | null; complexity: number | null;
  created_at: Date; comments: number; reactions: number;
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
  const p = new SqlParams(1);
  const limit = p.num(opts.limit);
  let where = `i.state = 'open'`;
  let liveFilter = 'TRUE';
  if (opts.repo !== undefined) {
    const [owner, name] = opts.repo.split('/') as [string, string];
    const repoMatch = `lower(r.owner) = ${p.text(owner)} AND lower(r.name) = ${p.text(name)}`;
    where += ` AND ${repoMatch}`;
    liveFilter = `i.repository_id IN (SELECT r.id FROM repositories r WHERE ${repoMatch})`;
  }
  const source = rankSource(state, p, liveFilter);
  const res = await pool.query<Row>(
    `SELECT r.owner, r.name, i.number, i.title, i.category, k.priority, k.ranked_at, k.breakdown,
            r.health, r.impact, i.solvability, i.complexity, i.created_at, i.comments, i.reactions
     FROM ${source} k JOIN issues i ON i.id = k.issue_id JOIN repositories r ON r.id = i.repository_id
     WHERE ${where}
     ORDER BY k.priority DESC, k.issue_id
     LIMIT ${limit}::bigint`,
    p.values,
  );
  const issues = res.rows.map((row, i) => {
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
