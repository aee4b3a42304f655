import { InvalidModelOutput } from '../../errors.js';
import { logger } from '../../log.js';
import { budgetedToolCall, type ModelCallContext } from '../generate/call.js';
import { issueBlock, quoteUntrusted, SAFETY_RULES, type IssueText } from '../generate/untrusted.js';
import type { FittedMap } from '../repo-map/render.js';
import type { SearchHit } from '../repo-map/search.js';
import { readWorktreeFile } from './files.js';
import { LOCALIZE_TOOL, LocalizeAnswer, type LocalizedFile } from './schema.js';

const log = logger.child({ component: 'fix-localize' });

export interface LocalizeOptions {
  worktree: string;
  issue: IssueText;
  map: FittedMap;
  hits: readonly SearchHit[];
  /** Files sent in full to generation, at most. */
  maxFiles: number;
  issueTokens: number;
  maxTokens?: number;
}

export interface LocalizeResult {
  files: LocalizedFile[];
  /** Paths the model named that are not readable repository files. */
  rejected: Array<{ path: string; reason: string }>;
  model: string;
}

const SYSTEM = `You are localizing a bug in a software repository. From the repository map (files with their symbols, most relevant first) and the code search hits, choose the few files that must be read in full to fix the issue: the file(s) to change and, if one exists, the test file where a regression test belongs. Answer only by calling select_files.\n${SAFETY_RULES}`;

export function localizePrompt(opts: Pick<LocalizeOptions, 'issue' | 'map' | 'hits' | 'maxFiles' | 'issueTokens'>): string {
  const hits = opts.hits.map((h) => `${h.path}:${h.line}: ${h.text}`).join('\n') || '(no hits)';
  return [
    issueBlock(opts.issue, opts.issueTokens),
    `Repository map:\n${quoteUntrusted('repo-map', opts.map.text || '(empty)')}`,
    `Code search hits for identifiers from the issue:\n${quoteUntrusted('search-hits', hits)}`,
    `Choose at most ${opts.maxFiles} files.`,
  ].join('\n\n');
}

/** Asks the model which files to read; keeps only paths that are readable files inside the worktree. */
export async function localize(ctx: ModelCallContext, opts: LocalizeOptions): Promise<LocalizeResult> {
  const result = await budgetedToolCall(ctx, {
    system: SYSTEM,
    messages: [{ role: 'user', content: localizePrompt(opts) }],
    tool: LOCALIZE_TOOL,
    maxTokens: opts.maxTokens ?? 1024,
  }, 'fix:localize');
  const parsed = LocalizeAnswer.safeParse(result.input);
  if (!parsed.success) {
    throw new InvalidModelOutput(`file selection failed validation: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const files: LocalizedFile[] = [];
  const rejected: LocalizeResult['rejected'] = [];
  for (const f of parsed.data.files) {
    if (files.length >= opts.maxFiles) break;
    if (files.some((x) => x.path === f.path)) continue;
    const read = await readWorktreeFile(opts.worktree, f.path);
    if (!read) {
      rejected.push({ path: f.path, reason: 'not a readable file in the repository' });
      continue;
    }
    files.push({ path: read.path, symbols: f.symbols ?? [], reason: f.reason ?? '' });
  }
  if (files.length === 0) {
    // The model named nothing usable: fall back to the top of the ranked map.
    log.warn({ rejected }, 'the model chose no readable file; using the top of the repo map');
    for (const p of opts.map.files.slice(0, opts.maxFiles)) {
      if (await readWorktreeFile(opts.worktree, p)) files.push({ path: p, symbols: [], reason: 'top of the repo map' });
    }
  }
  return { files, rejected, model: result.model };
}
