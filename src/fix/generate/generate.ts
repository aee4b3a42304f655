import { InvalidModelOutput } from '../../errors.js';
import type { LlmMessage } from '../../llm/types.js';
import { budgetedToolCall, type ModelCallContext } from './call.js';
import { issueBlock, quoteUntrusted, SAFETY_RULES, type IssueText } from './untrusted.js';

export const FIX_TOOL = {
  name: 'propose_fix',
  description: 'Propose the fix as search/replace edits to existing files and/or new files, with a short explanation for the pull request.',
  inputSchema: {
    type: 'object',
    properties: {
      explanation: { type: 'string', description: 'What was wrong and how the change fixes it (for maintainers).' },
      edits: {
        type: 'array', minItems: 1, maxItems: 50,
        items: {
          type: 'object',
          description: 'One of {path, search, replace}: search is copied exactly from the file and replaced (new lines take the file\'s own line breaks); {path, newFile}: the full text of a new file; or {path, lineEndings}: converts every line break of an existing file to "lf" or "crlf", only when the fix needs that.',
          properties: {
            path: { type: 'string' }, search: { type: 'string' }, replace: { type: 'string' }, newFile: { type: 'string' },
            lineEndings: { type: 'string', enum: ['lf', 'crlf'] },
          },
          required: ['path'],
        },
      },
    },
    required: ['explanation', 'edits'],
  },
};

const SYSTEM = `You fix an issue in a software repository with a minimal, correct change that a maintainer would merge.
Return edits through propose_fix. A search block must be copied exactly from the file shown (whole lines, enough of them to be unique). Add or extend a test that fails before the fix and passes after it, in the repository's existing test style.
${SAFETY_RULES}`;

export interface SourceFile {
  path: string;
  text: string;
}

export interface GenerateOptions {
  issue: IssueText;
  files: readonly SourceFile[];
  /** 0-based index of the candidate and how many are made: later candidates are asked for another approach. */
  candidate: number;
  candidates: number;
  issueTokens: number;
  maxTokens: number;
  testCommand?: string[] | undefined;
}

export function generatePrompt(opts: GenerateOptions): string {
  const files = opts.files.map((f) => quoteUntrusted('file', `path: ${f.path}\n${f.text}`)).join('\n\n');
  const hint = opts.candidate === 0
    ? ''
    : `\nThis is candidate ${opts.candidate + 1} of ${opts.candidates}: propose an independent fix, taking a different approach from the most obvious one where that is reasonable.`;
  return [
    issueBlock(opts.issue, opts.issueTokens),
    `Files (complete contents):\n${files}`,
    opts.testCommand ? `The tests are run with: ${opts.testCommand.join(' ')}` : '',
    `Fix the issue.${hint}`,
  ].filter((s) => s !== '').join('\n\n');
}

export interface Generated {
  /** The tool input as sent: validated by the caller, edit by edit. */
  raw: unknown;
  model: string;
  messages: LlmMessage[];
}

function present(input: unknown, stopReason: string): unknown {
  if (input === undefined) throw new InvalidModelOutput(`the model returned no usable fix (stop reason ${stopReason})`);
  return input;
}

/** One candidate fix from the model. */
export async function generateCandidate(ctx: ModelCallContext, opts: GenerateOptions): Promise<Generated> {
  const messages: LlmMessage[] = [{ role: 'user', content: generatePrompt(opts) }];
  const r = await budgetedToolCall(ctx, { system: SYSTEM, messages, tool: FIX_TOOL, maxTokens: opts.maxTokens }, `fix:generate:${opts.candidate}`);
  return { raw: present(r.input, r.stopReason), model: r.model, messages };
}

/** The one repair round: the failures with the nearest lines go back; the model returns the whole edit list again. */
export async function repairCandidate(ctx: ModelCallContext, prior: Generated, failures: string, maxTokens: number, candidate: number): Promise<Generated> {
  const messages: LlmMessage[] = [
    ...prior.messages,
    { role: 'assistant', content: `propose_fix ${JSON.stringify(prior.raw)}` },
    { role: 'user', content: `Some edits did not apply.\n${quoteUntrusted('apply-failures', failures)}\nCall propose_fix again with the complete corrected list of edits (all of them, not only the failed ones).` },
  ];
  const r = await budgetedToolCall(ctx, { system: SYSTEM, messages, tool: FIX_TOOL, maxTokens }, `fix:repair:${candidate}`);
  return { raw: present(r.input, r.stopReason), model: r.model, messages };
}
