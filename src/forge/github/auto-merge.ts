/** Our PR from draft to merged: ready for review, then GitHub's auto-merge (or a direct merge when nothing blocks it). */
import { Unavailable, UsageError } from '../../errors.js';
import type { RepoRef } from '../types.js';
import type { AutoMergeResult, PullSummary } from '../writer.js';
import { graphqlRequest } from './graphql.js';
import type { GitHubWriteContext } from './write-context.js';

const READY = 'mutation Ready($input: MarkPullRequestReadyForReviewInput!) { markPullRequestReadyForReview(input: $input) { pullRequest { isDraft } } }';
const AUTO_MERGE = 'mutation Auto($input: EnablePullRequestAutoMergeInput!) { enablePullRequestAutoMerge(input: $input) { pullRequest { number } } }';
const MERGE = 'mutation Merge($input: MergePullRequestInput!) { mergePullRequest(input: $input) { pullRequest { state } } }';

/** The merge method: one commit on the default branch, as a maintainer would squash a small fix. */
const METHOD = 'SQUASH';

function nodeIdOf(upstream: RepoRef, pull: PullSummary): string {
  if (!pull.nodeId) throw new UsageError(`pull request ${upstream.owner}/${upstream.name}#${pull.number} has no node id`);
  return pull.nodeId;
}

function failed(what: string, errors: { message: string }[]): Unavailable {
  return new Unavailable(`${what}: ${errors.map((e) => e.message).join('; ') || 'no answer'}`);
}

export async function markReadyForReview(ctx: GitHubWriteContext, upstream: RepoRef, pull: PullSummary): Promise<void> {
  const what = `marking ${upstream.owner}/${upstream.name}#${pull.number} ready for review`;
  const res = await graphqlRequest<{ markPullRequestReadyForReview: { pullRequest: { isDraft: boolean } | null } | null }>(ctx.octokit, READY, { input: { pullRequestId: nodeIdOf(upstream, pull) } }, what);
  if (res.data?.markPullRequestReadyForReview?.pullRequest?.isDraft !== false) throw failed(what, res.errors);
}

/** Merges at once, only if the head is still the commit we opened (nothing pushed since). */
async function mergeNow(ctx: GitHubWriteContext, upstream: RepoRef, pull: PullSummary): Promise<AutoMergeResult> {
  const what = `merging ${upstream.owner}/${upstream.name}#${pull.number}`;
  const res = await graphqlRequest<{ mergePullRequest: { pullRequest: { state: string } | null } | null }>(ctx.octokit, MERGE, {
    input: { pullRequestId: nodeIdOf(upstream, pull), mergeMethod: METHOD, ...(pull.headOid ? { expectedHeadOid: pull.headOid } : {}) },
  }, what);
  if (res.data?.mergePullRequest?.pullRequest?.state === 'MERGED') return { state: 'merged' };
  const refusal = res.errors.find((e) => e.type === 'UNPROCESSABLE');
  if (refusal) return { state: 'refused', reason: refusal.message };
  throw failed(what, res.errors);
}

export async function enableAutoMerge(ctx: GitHubWriteContext, upstream: RepoRef, pull: PullSummary): Promise<AutoMergeResult> {
  const what = `enabling auto-merge on ${upstream.owner}/${upstream.name}#${pull.number}`;
  await ctx.budget.acquire(`auto-merge ${upstream.owner}/${upstream.name}#${pull.number}`);
  const res = await graphqlRequest<{ enablePullRequestAutoMerge: { pullRequest: { number: number } | null } | null }>(ctx.octokit, AUTO_MERGE, {
    input: { pullRequestId: nodeIdOf(upstream, pull), mergeMethod: METHOD },
  }, what);
  if (res.data?.enablePullRequestAutoMerge?.pullRequest) return { state: 'enabled' };
  const refusal = res.errors.find((e) => e.type === 'UNPROCESSABLE');
  if (!refusal) throw failed(what, res.errors);
  // Nothing blocks the merge (no required check is waiting): GitHub merges only by hand, so we do.
  if (/clean status/i.test(refusal.message)) return mergeNow(ctx, upstream, pull);
  return { state: 'refused', reason: refusal.message };
}
