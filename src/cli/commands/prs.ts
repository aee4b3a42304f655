import type { Pool } from 'pg';
import { z } from 'zod';
import { listPrRows, replacementNumbers, type PrRow } from '../../db/pull-requests.js';
import { modelOfPr } from '../../contribute/pr-body.js';
import { withdrawPullRequest } from '../../contribute/withdraw.js';
import { describeModel } from '../../llm/scripted.js';
import { openPool } from '../../db/pool.js';
import { NotFound, UsageError } from '../../errors.js';
import { localRoot } from '../../activities/index.js';
import { pacedGitHubClient } from '../../forge/github/client.js';
import { githubClientOptions } from '../../forge/github/from-config.js';
import { parseForgeKind } from '../../forge/registry.js';
import type { ForgeKind } from '../../forge/types.js';
import { createForgeWriters } from '../../forge/writers.js';
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

/** The PR numbers of the newer fixes that replaced rows (see replacementNumbers). */
type Replacements = ReadonlyMap<string, number | null>;

function summary(r: PrRow, replacements: Replacements): Record<string, unknown> {
  return {
    forge: r.forge, repo: `${r.owner}/${r.name}`, issue: r.issue_number, number: r.number, state: r.state, branch: r.branch, url: r.url,
    title: r.title, model: modelOfPr(r), last_error: r.last_error?.message ?? null, updated_at: r.updated_at.toISOString(),
    superseded: r.superseded_by !== null, replaced_by: replacements.get(r.id) ?? null,
  };
}

/** A row as `prs list` prints it for people: a scripted model says so, and a replaced one names its successor. */
function shown(r: PrRow, replacements: Replacements): Record<string, unknown> {
  const model = modelOfPr(r);
  const next = replacements.get(r.id);
  const replacedBy = r.superseded_by === null ? '' : next === null || next === undefined ? 'a newer fix (no PR yet)' : `#${next}`;
  return { ...summary(r, replacements), model: model === null ? '' : describeModel(model), replaced_by: replacedBy };
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

/**
 * Closes our open PRs for an issue on its forge (one, or also an earlier one that a newer fix
 * replaced and whose close failed); the follow-up workflow sees them closed at its next check.
 */
async function closePr(pool: Pool, target: { repo: { owner: string; name: string }; issueNumber: number; forge?: ForgeKind }): Promise<{ forge: string; numbers: number[] }> {
  const rows = (await listPrRows(pool, { repo: target.repo, issueNumber: target.issueNumber }))
    .filter((r) => (target.forge === undefined || r.forge === target.forge) && r.number !== null && (r.state === 'draft' || r.state === 'open'))
    .sort((a, b) => (a.number ?? 0) - (b.number ?? 0));
  const row = rows[0];
  if (!row || row.number === null) throw new NotFound(`no open pull request recorded for ${target.repo.owner}/${target.repo.name}#${target.issueNumber}`);
  if (rows.some((r) => r.forge !== row.forge)) throw new UsageError(`open pull requests on several forges for ${target.repo.owner}/${target.repo.name}#${target.issueNumber}: choose one with --forge`);
  const { config } = cliContext();
  const octokit = pacedGitHubClient(pool, githubClientOptions(config));
  const writers = createForgeWriters({ pool, octokit, githubLogin: config.GITHUB_LOGIN, localRoot: localRoot(config) });
  const forge = parseForgeKind(row.forge);
  // Recorded as ours (withdrawn), so the issue is not barred as if a maintainer had closed it.
  for (const r of rows) await withdrawPullRequest(pool, writers[forge], r, { by: 'operator' });
  return { forge, numbers: rows.flatMap((r) => (r.number === null ? [] : [r.number])) };
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
  const { rows, replacements } = await withPool(async (pool) => {
    const found = await listPrRows(pool, state?.data ? { state: state.data } : {});
    return { rows: found, replacements: await replacementNumbers(pool, found) };
  });
  if (opts.json) printJson({ pullRequests: rows.map((r) => summary(r, replacements)) });
  else printTable(rows.map((r) => shown(r, replacements)), ['repo', 'issue', 'number', 'state', 'replaced_by', 'branch', 'url', 'model', 'last_error']);
}

export async function prsPreviewAction(target?: string): Promise<void> {
  const t = target === undefined ? undefined : parseIssueTarget(target);
  const rows = await withPool((pool) => listPrRows(pool, t ? { repo: t.repo, ...(t.issueNumber !== undefined ? { issueNumber: t.issueNumber } : {}) } : { state: 'preview' }));
  if (rows.length === 0) throw new UsageError(t ? `nothing recorded for ${target ?? ''}` : 'no previews recorded (run with --dry-run first)');
  process.stdout.write(rows.map(renderPreview).join('\n'));
}

export async function prsCloseAction(target: string, opts: { forge?: string }): Promise<void> {
  const t = parseIssueTarget(target);
  if (t.issueNumber === undefined) throw new UsageError(`malformed target "${target}": expected owner/repo#number`);
  const forge = opts.forge === undefined ? undefined : parseForgeKind(opts.forge);
  const closed = await withPool((pool) => closePr(pool, { repo: t.repo, issueNumber: t.issueNumber ?? 0, ...(forge ? { forge } : {}) }));
  process.stdout.write(`closed ${closed.forge} PR ${closed.numbers.map((n) => `#${n}`).join(', ')} for ${t.repo.owner}/${t.repo.name}#${t.issueNumber}\n`);
}
