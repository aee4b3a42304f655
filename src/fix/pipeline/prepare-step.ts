import { logger } from '../../log.js';
import { prepareWorktree, type PreparedWorktree } from '../prepare/cache.js';
import { loadRepoContext, type RepoContext } from '../prepare/repo-context.js';
import type { RepoSource } from '../prepare/source.js';
import type { FixCheckpoint } from '../schema.js';

const log = logger.child({ component: 'fix' });

export interface PrepareStepInput {
  cacheDir: string;
  repo: string;
  source: RepoSource;
  baseBranch: string;
  /** Names the worktree directory (the issue number). */
  label: string;
  /** Where a previous attempt got to. */
  checkpoint: FixCheckpoint;
  signal?: AbortSignal | undefined;
}

export interface PreparedStep {
  /** The worktree at the base branch head; the caller disposes of it. */
  prepared: PreparedWorktree;
  context: RepoContext;
  /** The checkpoint as it holds for this commit. */
  checkpoint: FixCheckpoint;
}

/**
 * The checkpoint for work at `commit`: when the branch moved since it was taken, earlier model
 * output was written against other code, so the localization and candidates are dropped.
 */
export function checkpointAt(checkpoint: FixCheckpoint, commit: string, repo: string): FixCheckpoint {
  if (checkpoint.commit !== undefined && checkpoint.commit !== commit) {
    log.warn({ repo, was: checkpoint.commit, now: commit }, 'base branch moved; discarding the checkpoint');
    return { ...checkpoint, localized: undefined, candidates: [], commit };
  }
  return { ...checkpoint, commit };
}

/**
 * The prepare step: a worktree at the base branch head (the mirror cloned or fetched) and the
 * repository's model and repo-map index for that commit. The worktree is removed again when
 * anything after its creation fails.
 */
export async function prepareStep(input: PrepareStepInput): Promise<PreparedStep> {
  const { signal } = input;
  const prepared = await prepareWorktree({
    cacheDir: input.cacheDir, repo: input.repo, source: input.source, baseBranch: input.baseBranch, label: input.label, signal,
  });
  try {
    const checkpoint = checkpointAt(input.checkpoint, prepared.commit, input.repo);
    const { context } = await loadRepoContext({ cacheDir: input.cacheDir, repo: input.repo, commit: prepared.commit, worktree: prepared.worktree, ...(signal ? { signal } : {}) });
    return { prepared, context, checkpoint };
  } catch (err) {
    await prepared.dispose();
    throw err;
  }
}
