import path from 'node:path';
import { scoreBatch, refreshImpact } from '../../discovery/score-repositories.js';
import { UsageError } from '../../errors.js';
import { assertGitRepository } from '../../forge/local/git.js';
import { LOCAL_OWNER } from '../../forge/local/reader.js';
import { parseForgeKind } from '../../forge/registry.js';
import { parseRepoRef, type RepoRef } from '../../forge/types.js';
import { printJson } from '../output.js';
import { noProgress, progressBar, type Progress } from '../progress.js';
import { openForgeDeps, type ForgeCommandDeps } from './discover.js';
import { printDetail, showRepository, type RepositoryDetail } from './repos.js';

export interface ScoreFlags {
  forge?: string;
  repo?: string;
  json?: boolean;
}

/** Which repository to score and, for the local forge, the directory holding it. */
export async function scoreTarget(target: string | undefined, flags: ScoreFlags): Promise<{ ref: RepoRef; root?: string }> {
  const kind = parseForgeKind(flags.forge ?? 'github');
  if (kind === 'local') {
    if (flags.repo === undefined) throw new UsageError('the local forge needs --repo PATH (a git repository)');
    if (target !== undefined) throw new UsageError('give either owner/repo (GitHub) or --forge local --repo PATH, not both');
    const real = await assertGitRepository(path.resolve(flags.repo));
    return { ref: { owner: LOCAL_OWNER, name: path.basename(real) }, root: path.dirname(real) };
  }
  if (flags.repo !== undefined) throw new UsageError('--repo PATH is for --forge local; for GitHub give owner/repo');
  if (target === undefined) throw new UsageError('missing repository: globallm score owner/repo');
  return { ref: parseRepoRef(target) };
}

/** Scores one repository now (cache permitting) and returns what was stored; progress by step. */
export async function scoreHandler(deps: ForgeCommandDeps & { now?: Date; progress?: Progress }, ref: RepoRef): Promise<RepositoryDetail> {
  const now = deps.now ?? new Date();
  const progress = deps.progress ?? noProgress;
  try {
    progress.update(0, 3, 'reading and scoring');
    await scoreBatch(deps, { refs: [ref], now });
    progress.update(1, 3, 'ecosystem impact');
    await refreshImpact(deps.pool, deps.forge.kind);
    progress.update(2, 3, 'loading the result');
    const detail = await showRepository(deps.pool, deps.forge.kind, ref);
    progress.update(3, 3, 'done');
    return detail;
  } finally {
    progress.stop();
  }
}

export async function scoreAction(target: string | undefined, flags: ScoreFlags): Promise<void> {
  const { ref, root } = await scoreTarget(target, flags);
  const deps = await openForgeDeps({ ...(flags.forge !== undefined ? { forge: flags.forge } : {}), ...(root !== undefined ? { root } : {}) });
  try {
    const detail = await scoreHandler({ ...deps, progress: progressBar(`score ${ref.owner}/${ref.name}`) }, ref);
    if (flags.json) printJson(detail);
    else printDetail(detail);
  } finally {
    await deps.close();
  }
}
