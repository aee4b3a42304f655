// What the Temporal Web UI shows for each run and activity: a one-line summary and markdown
// details (Temporal's user metadata). Pure string functions, safe in workflow code.
import type { CampaignOptionsData } from './contracts.js';

/** Longest summary line kept: the Web UI shows one line. */
const SUMMARY_MAX = 120;

/**
 * Untrusted text (an issue title) as one plain line: control characters and line breaks become
 * spaces, markdown that could turn it into a link, an image or markup is escaped, and it is cut
 * to fit the line.
 */
export function plainLine(text: string, max = SUMMARY_MAX): string {
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  const cut = line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
  return cut.replace(/[\\`*_[\]<>!|#~]/g, (c) => `\\${c}`);
}

/** `1 issue`, `3 issues`, `2 repositories`. */
export function count(n: number, noun: string): string {
  if (n === 1) return `1 ${noun}`;
  return `${n} ${noun.endsWith('y') ? `${noun.slice(0, -1)}ies` : `${noun}s`}`;
}

export interface IssueLabel { owner: string; repo: string; number: number; title?: string | undefined }

export const issueKey = (i: IssueLabel): string => `${i.owner}/${i.repo}#${i.number}`;

/** `local/slugkit#1 — slugify leaves repeated dashes` (the key alone while the title is unknown). */
export function issueSummary(i: IssueLabel): string {
  const title = i.title === undefined ? '' : plainLine(i.title, SUMMARY_MAX - issueKey(i).length - 3);
  return title ? `${issueKey(i)} — ${title}` : issueKey(i);
}

export function issueDetails(i: IssueLabel & { forge: string; priority: number; campaign?: string | undefined; dryRun: boolean }): string {
  return [
    `**Issue** ${issueKey(i)} on the ${i.forge} forge`,
    `**Priority** ${i.priority.toFixed(2)}`,
    `**Campaign** ${i.campaign ?? 'none'}`,
    `**Pull request** ${i.dryRun ? 'dry run: body and patch kept for review' : 'opened when the fix is validated'}`,
    'Stages: analyze → consent → generate → validate → open_pr; query `status` for the current one.',
  ].join('\n\n');
}

export const repoSummary = (r: { owner: string; repo: string }): string => `repository ${r.owner}/${r.repo}`;

export function repoDetails(r: { owner: string; repo: string; forge: string; language: string | null }): string {
  return [
    `**Repository** ${r.owner}/${r.repo} on the ${r.forge} forge${r.language ? `, ${plainLine(r.language, 60)}` : ''}`,
    'Holds the issue queue and starts one issue workflow per issue within its cap.',
    'Steer it with the signals `pause` and `resume`; query `status` for the queue.',
  ].join('\n\n');
}

/** `fanOut: false` (a scheduled discovery): the issues are ranked and none is sent on to be fixed. */
type FanOut = { fanOut?: boolean };

export function campaignSummary(c: Pick<CampaignOptionsData, 'id' | 'forge' | 'domain' | 'language' | 'maxRepos' | 'maxIssues' | 'dryRun'> & FanOut): string {
  const what = [c.domain, c.language].filter(Boolean).join(' ');
  const issues = c.fanOut === false ? 'issues ranked, none fixed' : count(c.maxIssues, 'issue');
  return `campaign ${c.id} — ${what} on the ${c.forge} forge: up to ${count(c.maxRepos, 'repository')}, ${issues}${c.dryRun ? ' (dry run)' : ''}`;
}

export function campaignDetails(c: CampaignOptionsData & FanOut): string {
  return [
    `**Campaign** ${c.id}`,
    `**Search** forge ${c.forge}, domain ${c.domain}${c.language ? `, language ${c.language}` : ''}, at least ${c.minStars} stars${c.minHealth !== undefined ? `, health at least ${c.minHealth}` : ''}`,
    `**Caps** ${count(c.maxRepos, 'repository')}, ${c.fanOut === false ? 'no fan-out to fixing' : count(c.maxIssues, 'issue')}, ${c.tokenBudget} tokens${c.usdBudget !== undefined ? `, $${c.usdBudget}` : ''}`,
    `**Analyzer** ${c.analyzer}${c.dryRun ? '; dry run: no pull request is opened' : ''}`,
    'Query `progress` for the funnel so far.',
  ].join('\n\n');
}

export const followUpSummary = (i: IssueLabel): string => `follow-up of our pull request for ${issueKey(i)}`;

/** The campaign's current details (the Web UI's "current details", the metadata query): where it is now. */
export function campaignProgressDetails(p: { phase: string; repos: number; issues: number; analyzed: number; enqueued: number; finished: number; outcomes: Partial<Record<string, number>> }, waiting: number): string {
  const outcomes = Object.entries(p.outcomes).map(([k, n]) => `${k} ${n}`).join(', ');
  return [
    `**Phase** ${p.phase}`,
    `**Funnel** ${count(p.repos, 'repository')} → ${count(p.issues, 'issue')} → ${p.analyzed} analyzed → ${p.enqueued} enqueued → ${p.finished} decided`,
    `**Waiting for** ${count(waiting, 'issue')}${outcomes ? `; decisions: ${outcomes}` : ''}`,
  ].join('\n\n');
}

/** An issue's current details: its stage, and why it holds when paused. */
export function issueStageDetails(stage: string, paused: boolean, pauseReason: string | undefined): string {
  const hold = paused ? `\n\n**Paused**${pauseReason ? ` ${plainLine(pauseReason)}` : ''}: holds at the next stage boundary` : '';
  return `**Stage** ${stage}${hold}`;
}

/** A repository's current details: its queue and whether it is paused. */
export function repoQueueDetails(s: { paused: boolean; pauseReason: string | undefined; queued: number[]; running: number[] }): string {
  const running = s.running.length > 0 ? s.running.map((n) => `#${n}`).join(', ') : 'none';
  const paused = s.paused ? `\n\n**Paused**${s.pauseReason ? ` ${plainLine(s.pauseReason)}` : ''}` : '';
  return `**Running** ${running}\n\n**Queued** ${count(s.queued.length, 'issue')}${paused}`;
}
