import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { logger } from '../../log.js';
import { detectRepoModel } from '../../repo-model/detect.js';
import { RepoModel } from '../../repo-model/schema.js';
import { buildRepoIndex } from '../repo-map/build.js';
import { RepoIndex } from '../repo-map/schema.js';
import { OID } from '../../git/refs.js';
import { repoSlug } from './cache.js';

const log = logger.child({ component: 'fix-prepare' });

export const RepoContext = z.object({
  version: z.literal(1),
  commit: z.string().regex(OID),
  model: RepoModel,
  index: RepoIndex,
});
export type RepoContext = z.infer<typeof RepoContext>;

/**
 * The repository model and repo-map index of one commit, cached as JSON under
 * `<cacheDir>/models/<repo>/<commit>.json`; computed from the worktree when absent or unreadable.
 */
export async function loadRepoContext(opts: { cacheDir: string; repo: string; commit: string; worktree: string; signal?: AbortSignal }): Promise<{ context: RepoContext; cached: boolean }> {
  if (!OID.test(opts.commit)) throw new Error('commit must be a full object id');
  const file = path.join(path.resolve(opts.cacheDir), 'models', repoSlug(opts.repo), `${opts.commit}.json`);
  try {
    const parsed = RepoContext.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (parsed.success && parsed.data.commit === opts.commit) return { context: parsed.data, cached: true };
    log.warn({ file }, 'cached repository model is unreadable; rebuilding it');
  } catch {
    // not cached yet
  }
  const context: RepoContext = { version: 1, commit: opts.commit, model: await detectRepoModel(opts.worktree), index: await buildRepoIndex(opts.worktree, opts.signal) };
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(context));
  await rename(tmp, file);
  return { context, cached: false };
}
