import type { SourceFile } from '../generate/generate.js';
import type { IssueText } from '../generate/untrusted.js';
import { readWorktreeFile } from '../localize/files.js';
import { localize } from '../localize/localize.js';
import type { RepoContext } from '../prepare/repo-context.js';
import { issueMentions } from '../repo-map/mentions.js';
import { rankFiles } from '../repo-map/rank.js';
import { fitRepoMap } from '../repo-map/render.js';
import { codeSearch } from '../repo-map/search.js';
import type { LocalizedFiles } from '../schema.js';
import { meteredContext, type ModelAccess } from './usage.js';

export interface LocalizeStepInput {
  model: ModelAccess;
  worktree: string;
  issue: IssueText;
  /** The repo-map index of the worktree's commit. */
  index: RepoContext['index'];
  options: {
    /** Token caps: the repo map and the issue text. */
    mapTokens: number;
    issueTokens: number;
    /** Files sent in full to generation, at most. */
    maxFiles: number;
  };
}

/**
 * The localize step: code search for what the issue mentions, the repo map ranked and fitted
 * to its token cap, and one model call choosing the files to read in full.
 */
export async function localizeStep(input: LocalizeStepInput): Promise<LocalizedFiles> {
  const { worktree, issue, options } = input;
  const signal = input.model.signal;
  const mentions = issueMentions(`${issue.title}\n${issue.body}`);
  const hits = await codeSearch(worktree, mentions.identifiers, signal ? { signal } : {});
  const ranked = rankFiles(input.index, mentions, hits);
  const map = fitRepoMap(ranked, options.mapTokens);
  const metered = meteredContext(input.model);
  const r = await localize(metered.ctx, { worktree, issue, map, hits, maxFiles: options.maxFiles, issueTokens: options.issueTokens });
  return { files: r.files, rejected: r.rejected, usage: metered.usage(), model: r.model };
}

/** The localized files' current contents (files no longer readable are left out). */
export async function readSources(worktree: string, files: LocalizedFiles['files']): Promise<SourceFile[]> {
  const sources: SourceFile[] = [];
  for (const f of files) {
    const read = await readWorktreeFile(worktree, f.path);
    if (read) sources.push(read);
  }
  return sources;
}
