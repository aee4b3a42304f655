import type { Pool } from 'pg';
import { z } from 'zod';
import { listPrRows, type PrRow } from '../../contribute/store.js';
import { openPool } from '../../db/pool.js';
import { UsageError } from '../../errors.js';
import { RepoRefSchema } from '../../forge/types.js';
import { PR_STATES } from '../choices.js';
import { cliContext } from '../context.js';
import { printJson, printTable } from '../output.js';

/** `owner/repo#n` (or `owner/repo`): the PR target a person typed. */
export function parseIssueTarget(text: string): { repo: { owner: string; name: string }; issueNumber?: number } {
  const m = /^([^/#\s]+)\/([^/#\s]+)(?:#(\d+))?$/.exec(text.trim());
  if (!m) throw new UsageError(`malformed target "${text}": expected owner/repo#number`);
  const repo = RepoRefSchema.safeParse({ owner: m[1], name: m[2] });
  if (!repo.success) throw new UsageError(`malformed target "${text}": ${repo.error.issues.map((i) => i.message).join('; ')}`);
  const n = m[3] === undefined ? undefined : Number(m[3]);
  if (n !== undefined && (!Number.isSafeInteger(n) || n < 1)) throw new UsageError(`malformed target "${text}": issue number must be positive`);
  return { repo: repo.data, ...(n !== undefined ? { issueNumber: n } : {}) };
}

function summary(r: PrRow): Record<string, unknown> {
  return {
    forge: r.forge, repo: `${r.owner}/${r.name}`, issue: r.issue_number, number: r.number, state: r.state, branch: r.branch, url: r.url,
    title: r.title, last_error: r.last_error?.message ?? null, updated_at: r.updated_at.toISOString(),
  };
}

/** The text `prs preview` prints for one row: header, body and patch. */
export function renderPreview(r: PrRow): string {
  return [
    `# ${r.owner}/${r.name}#${r.issue_number} (${r.forge}, ${r.state}${r.number !== null ? `, PR #${r.number}` : ''})`,
    `branch: ${r.branch}`,
    `title: ${r.title ?? ''}`,
    '',
    '----- body -----',
    r.body.trimEnd(),
    '',
    '----- patch -----',
    (r.patch ?? '(no patch stored)').trimEnd(),
    '',
  ].join('\n');
}

async function withPool<T>(fn: (pool: Pool) => Promise<T>): Promise<T> {
  const { endpoints } = cliContext();
  const pool = await openPool(endpoints.databaseUrl, { max: 2 });
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

export async function prsListAction(opts: { state?: string; json?: boolean }): Promise<void> {
  const state = opts.state === undefined ? undefined : z.enum(PR_STATES).safeParse(opts.state);
  if (state && !state.success) throw new UsageError(`unknown state "${opts.state}" (expected ${PR_STATES.join(', ')})`);
  const rows = await withPool((pool) => listPrRows(pool, state?.data ? { state: state.data } : {}));
  if (opts.json) printJson({ pullRequests: rows.map(summary) });
  else printTable(rows.map(summary), ['repo', 'issue', 'number', 'state', 'branch', 'url', 'last_error']);
}

export async function prsPreviewAction(target?: string): Promise<void> {
  const t = target === undefined ? undefined : parseIssueTarget(target);
  const rows = await withPool((pool) => listPrRows(pool, t ? { repo: t.repo, ...(t.issueNumber !== undefined ? { issueNumber: t.issueNumber } : {}) } : { state: 'preview' }));
  if (rows.length === 0) throw new UsageError(t ? `nothing recorded for ${target ?? ''}` : 'no previews recorded (run with --dry-run first)');
  process.stdout.write(rows.map(renderPreview).join('\n'));
}
