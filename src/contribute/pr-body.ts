import { z } from 'zod';
import { codeBlock, codeSpan, escapeInline, escapeMarkdown } from './markdown.js';
import { scriptedModelNote } from '../llm/scripted.js';

export const PrBodyInput = z.object({
  issue: z.object({ number: z.number().int().positive(), title: z.string() }),
  /** The model's explanation of the change: untrusted. */
  summary: z.string(),
  changes: z.array(z.object({ path: z.string(), note: z.string().optional() })),
  evidence: z.object({
    testCommand: z.string().optional(),
    failedBefore: z.array(z.string()),
    passedAfter: z.array(z.string()),
    newTests: z.array(z.string()),
    /** The tail of the sandbox log, shown folded. */
    logExcerpt: z.string().optional(),
  }),
  disclosure: z.object({
    model: z.string(),
    inputTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
    costUsd: z.number().nonnegative(),
  }),
  /** How maintainers can stop these PRs (shown in the footer). */
  optOutHint: z.string().default('add `.globallm.yml` with `enabled: false`, or the repository topic `no-globallm`'),
});
export type PrBodyInput = z.input<typeof PrBodyInput>;

const MAX_SUMMARY = 4000;
const MAX_LIST = 25;
const MAX_LOG = 3000;

function list(items: readonly string[], empty: string): string {
  if (items.length === 0) return `- ${empty}`;
  const shown = items.slice(0, MAX_LIST).map((t) => `- ${codeSpan(t)}`);
  if (items.length > MAX_LIST) shown.push(`- … and ${items.length - MAX_LIST} more`);
  return shown.join('\n');
}

/** Who wrote the change: an AI model, or (in the demo) a script standing in for one, which leads in bold. */
function authorship(model: string): string {
  const scripted = scriptedModelNote(model);
  const draft = 'it is a draft until a maintainer reviews it.';
  return scripted === null
    ? `This pull request was written by an AI model and opened automatically by GlobaLLM; ${draft}`
    : `**${escapeInline(scripted)}** GlobaLLM opened this pull request automatically; ${draft}`;
}

/** The draft PR body: summary, changes, test evidence, AI disclosure and the closing reference. */
export function renderPrBody(raw: PrBodyInput): string {
  const input = PrBodyInput.parse(raw);
  const { evidence, disclosure } = input;
  const summary = input.summary.length > MAX_SUMMARY ? `${input.summary.slice(0, MAX_SUMMARY)}…` : input.summary;
  const fixedNow = evidence.failedBefore.filter((t) => evidence.passedAfter.includes(t));
  const sections = [
    `## Summary\n\nThis draft addresses #${input.issue.number}: ${escapeInline(input.issue.title)}\n\n${escapeMarkdown(summary.trim())}`,
    `## What changed\n\n${input.changes.length === 0 ? '- (no files)' : input.changes.slice(0, MAX_LIST).map((c) => `- ${codeSpan(c.path)}${c.note ? `: ${escapeInline(c.note, 200)}` : ''}`).join('\n')}`,
    [
      '## Evidence',
      '',
      evidence.testCommand ? `Tests were run in a sandbox with ${codeSpan(evidence.testCommand)}.` : 'Tests were run in a sandbox.',
      '',
      `**Failed before the change** (${evidence.failedBefore.length}):`,
      list(evidence.failedBefore, 'none: no test reproduced the issue before the change'),
      '',
      `**Pass after the change** (${fixedNow.length} of those; ${evidence.passedAfter.length} passing in total):`,
      list(fixedNow, 'none of the failing tests'),
      '',
      `**New tests** (${evidence.newTests.length}):`,
      list(evidence.newTests, 'none added'),
      ...(evidence.logExcerpt ? ['', '<details><summary>Sandbox log (tail)</summary>', '', codeBlock(evidence.logExcerpt.slice(-MAX_LOG)), '', '</details>'] : []),
    ].join('\n'),
    [
      '## AI disclosure',
      '',
      authorship(disclosure.model),
      '',
      `- Model: ${codeSpan(disclosure.model)}`,
      `- Tokens: ${disclosure.inputTokens} input, ${disclosure.outputTokens} output`,
      `- Cost: $${disclosure.costUsd.toFixed(4)}`,
      '',
      `Not wanted here? Close this PR, or ${input.optOutHint}.`,
    ].join('\n'),
    `Fixes #${input.issue.number}`,
  ];
  return `${sections.join('\n\n')}\n`;
}

/** The model a PR's disclosure names (its `tokens` column), or null for a row written without one. */
export function modelOfPr(row: { tokens: unknown }): string | null {
  const parsed = PrBodyInput.shape.disclosure.safeParse(row.tokens);
  return parsed.success ? parsed.data.model : null;
}
