/** Branch refs in our fork: create from a commit, read the head. */
import { Unavailable } from '../../errors.js';
import type { RepoRef } from '../types.js';
import { toForgeError } from './errors.js';
import { errorMessage, httpStatus, type GitHubWriteContext } from './write-context.js';

export type CreateBranchResult = { created: true; oid: string } | { created: false; reason: 'exists' | 'missing_object'; message: string };

export async function createBranch(ctx: GitHubWriteContext, repo: RepoRef, branch: string, oid: string): Promise<CreateBranchResult> {
  await ctx.budget.acquire(`branch ${repo.owner}/${repo.name}:${branch}`);
  try {
    await ctx.octokit.request('POST /repos/{owner}/{repo}/git/refs', { owner: repo.owner, repo: repo.name, ref: `refs/heads/${branch}`, sha: oid });
    return { created: true, oid };
  } catch (err) {
    if (httpStatus(err) === 422) {
      const message = errorMessage(err);
      if (/already exists/i.test(message)) return { created: false, reason: 'exists', message };
      if (/object does not exist|not found/i.test(message)) return { created: false, reason: 'missing_object', message };
    }
    throw toForgeError(err, `creating branch ${branch} in ${repo.owner}/${repo.name}`);
  }
}

export async function branchHead(ctx: GitHubWriteContext, repo: RepoRef, branch: string): Promise<string | null> {
  try {
    const res = await ctx.octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { owner: repo.owner, repo: repo.name, ref: `heads/${branch}` });
    return (res.data as { object: { sha: string } }).object.sha;
  } catch (err) {
    if (httpStatus(err) === 404) return null;
    throw toForgeError(err, `reading branch ${branch} of ${repo.owner}/${repo.name}`);
  }
}

/** Brings the fork's default branch up to date with upstream (so upstream commits exist in it). */
export async function syncFork(ctx: GitHubWriteContext, fork: RepoRef, branch: string): Promise<void> {
  await ctx.budget.acquire(`sync ${fork.owner}/${fork.name}`);
  try {
    await ctx.octokit.request('POST /repos/{owner}/{repo}/merge-upstream', { owner: fork.owner, repo: fork.name, branch });
  } catch (err) {
    if (httpStatus(err) === 501) throw new Unavailable(`the forge cannot sync ${fork.owner}/${fork.name} with upstream`, { cause: err });
    throw toForgeError(err, `syncing ${fork.owner}/${fork.name}`);
  }
}
