/** Forks: find ours, or create it (202) and wait until its default branch is readable. */
import { Unavailable, UsageError } from '../../errors.js';
import type { RepoRef } from '../types.js';
import type { ForkRef, WaitOptions } from '../writer.js';
import { toForgeError } from './errors.js';
import { httpStatus, sleep, type GitHubWriteContext } from './write-context.js';

interface RepoBody {
  name: string;
  owner: { login: string };
  fork?: boolean;
  default_branch?: string;
  node_id?: string;
  parent?: { full_name?: string };
}

async function getRepo(ctx: GitHubWriteContext, owner: string, name: string): Promise<RepoBody | null> {
  try {
    const res = await ctx.octokit.request('GET /repos/{owner}/{repo}', { owner, repo: name });
    return res.data;
  } catch (err) {
    if (httpStatus(err) === 404) return null;
    throw toForgeError(err, `reading ${owner}/${name}`);
  }
}

async function branchReadable(ctx: GitHubWriteContext, owner: string, name: string, branch: string): Promise<boolean> {
  try {
    await ctx.octokit.request('GET /repos/{owner}/{repo}/branches/{branch}', { owner, repo: name, branch });
    return true;
  } catch (err) {
    const s = httpStatus(err);
    if (s === 404 || s === 409) return false;
    throw toForgeError(err, `reading branch ${branch} of ${owner}/${name}`);
  }
}

/** Polls until the fork's default branch answers, heartbeating through `onPoll`; Unavailable on timeout. */
export async function waitForFork(ctx: GitHubWriteContext, fork: RepoRef, branch: string, wait: WaitOptions = {}): Promise<void> {
  const timeout = wait.timeoutMs ?? 120_000;
  const interval = Math.max(1, wait.intervalMs ?? 2_000);
  const start = Date.now();
  for (let attempt = 1; ; attempt++) {
    const waitedMs = Date.now() - start;
    wait.onPoll?.({ attempt, waitedMs });
    if (await branchReadable(ctx, fork.owner, fork.name, branch)) return;
    if (Date.now() - start + interval > timeout) {
      throw new Unavailable(`fork ${fork.owner}/${fork.name} was not ready after ${Date.now() - start} ms (${attempt} polls)`);
    }
    await sleep(interval, wait.signal);
  }
}

export async function ensureFork(ctx: GitHubWriteContext, upstream: RepoRef, wait: WaitOptions = {}): Promise<ForkRef> {
  const viewer = await ctx.viewer();
  if (viewer.toLowerCase() === upstream.owner.toLowerCase()) throw new UsageError(`${upstream.owner}/${upstream.name} belongs to the bot account itself: no fork needed`);
  const upstreamFull = `${upstream.owner}/${upstream.name}`.toLowerCase();
  const found = await getRepo(ctx, viewer, upstream.name);
  if (found) {
    if (!found.fork || found.parent?.full_name?.toLowerCase() !== upstreamFull) {
      throw new UsageError(`${viewer}/${upstream.name} exists and is not a fork of ${upstream.owner}/${upstream.name}`);
    }
    return { owner: found.owner.login, name: found.name, defaultBranch: found.default_branch ?? 'main', ...(found.node_id ? { nodeId: found.node_id } : {}), created: false };
  }
  await ctx.budget.acquire(`fork ${upstream.owner}/${upstream.name}`);
  let created: RepoBody;
  try {
    const res = await ctx.octokit.request('POST /repos/{owner}/{repo}/forks', { owner: upstream.owner, repo: upstream.name, default_branch_only: true });
    created = res.data;
  } catch (err) {
    throw toForgeError(err, `forking ${upstream.owner}/${upstream.name}`);
  }
  const fork: ForkRef = { owner: created.owner.login, name: created.name, defaultBranch: created.default_branch ?? 'main', ...(created.node_id ? { nodeId: created.node_id } : {}), created: true };
  await waitForFork(ctx, fork, fork.defaultBranch, wait);
  return fork;
}
