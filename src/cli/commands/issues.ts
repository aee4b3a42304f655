import type pg from 'pg';
import { openPool } from '../../db/pool.js';
import { renderExplanation } from '../../prioritize/explain.js';
import { listRankedIssues, parseListOptions, type RankedIssue } from '../../prioritize/list.js';
import { rerankOpenIssues, type RerankResult } from '../../prioritize/rerank.js';
import { cliContext } from '../context.js';
import { jsonDocument, printJson } from '../output.js';

/** The ranking as text: one line per issue, and with `explain` every term below it. */
export function renderIssues(issues: RankedIssue[], explain: boolean): string {
  if (issues.length === 0) return '(no ranked open issues)\n';
  const lines: string[] = [];
  for (const i of issues) {
    const title = i.title.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 80);
    const max = i.explanation?.max;
    lines.push(`${String(i.rank).padStart(3)}. ${i.priority.toFixed(3)}${max ? ` / ${max.toFixed(1)}` : ''}  ${i.repo}#${i.number}  [${i.category ?? 'uncategorised'}]  ${title}`);
    if (explain) {
      if (i.explanation) lines.push(...renderExplanation(i.explanation));
      else lines.push('    (no breakdown stored: re-rank to get one)');
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `issues list` without the process around it: returns what it prints on stdout. A notice
 * (the ranking is missing or empty: re-rank needed) goes to `warn` (stderr in the CLI), so the
 * JSON on stdout stays one document.
 */
export async function issuesListHandler(pool: pg.Pool, rawOptions: unknown, warn: (line: string) => void = () => {}): Promise<string> {
  const opts = parseListOptions(rawOptions);
  const list = await listRankedIssues(pool, opts);
  if (list.notice) warn(list.notice);
  return opts.json ? jsonDocument({ issues: list.issues }) : renderIssues(list.issues, opts.explain);
}

export function renderRerank(r: RerankResult): string {
  return `re-ranked ${r.updated} open issue${r.updated === 1 ? '' : 's'} (${r.mode}) in ${(r.ms / 1000).toFixed(2)} s\n`;
}

export interface IssuesListFlags { repo?: string; limit: string; explain?: boolean; json?: boolean }

export async function issuesListAction(opts: IssuesListFlags): Promise<void> {
  const parsed = parseListOptions({ repo: opts.repo, limit: opts.limit, explain: opts.explain ?? false, json: opts.json ?? false });
  const { endpoints } = cliContext();
  const pool = await openPool(endpoints.databaseUrl, { max: 1 });
  try {
    process.stdout.write(await issuesListHandler(pool, parsed, (line) => process.stderr.write(`${line}\n`)));
  } finally {
    await pool.end();
  }
}

export async function issuesRerankAction(opts: { json?: boolean }): Promise<void> {
  const { endpoints } = cliContext();
  const pool = await openPool(endpoints.databaseUrl, { max: 1 });
  try {
    const result = await rerankOpenIssues(pool);
    if (opts.json) printJson(result);
    else process.stdout.write(renderRerank(result));
  } finally {
    await pool.end();
  }
}
