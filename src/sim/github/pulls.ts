/** Pull request life cycle shared by REST and GraphQL: create, merge, auto-merge. */
import { ApiError } from './api-error.js';
import { fetchInto, isAncestor, mergeCommits, resolveRef, updateRef } from './gitops.js';
import type { IssueRec, RepoRec, World } from './world.js';

export interface CreatePullInput {
  title: string;
  body?: string | null;
  head: string;
  base: string;
  draft?: boolean;
  maintainerCanModify?: boolean;
  user: string;
}

function validation(message: string): ApiError {
  return new ApiError(422, 'Validation Failed', [{ resource: 'PullRequest', code: 'custom', message }]);
}

/** Finds the repository that holds the head branch ("owner:branch" or "branch"). */
function headRepo(world: World, base: RepoRec, head: string): { repo: RepoRec; ref: string } {
  const i = head.indexOf(':');
  if (i < 0) return { repo: base, ref: head };
  const owner = head.slice(0, i);
  const ref = head.slice(i + 1);
  if (owner.toLowerCase() === base.owner.toLowerCase()) return { repo: base, ref };
  const full = `${base.owner}/${base.name}`.toLowerCase();
  const fork = world.visibleRepos().find((r) => r.owner.toLowerCase() === owner.toLowerCase() && (r.parent?.toLowerCase() === full || r.name.toLowerCase() === base.name.toLowerCase()));
  if (!fork) throw new ApiError(422, 'Validation Failed', [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
  return { repo: fork, ref };
}

export async function createPull(world: World, repo: RepoRec, input: CreatePullInput): Promise<IssueRec> {
  if (!repo.gitDir) throw new ApiError(422, 'Repository has no git data in the stand-in');
  const baseSha = await resolveRef(repo.gitDir, `refs/heads/${input.base}`);
  if (!baseSha) throw new ApiError(422, 'Validation Failed', [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
  const { repo: hRepo, ref } = headRepo(world, repo, input.head);
  const headSha = hRepo.gitDir ? await resolveRef(hRepo.gitDir, `refs/heads/${ref}`) : null;
  if (!headSha) throw new ApiError(422, 'Validation Failed', [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
  const number = repo.issues.length + 1;
  if (hRepo !== repo && hRepo.gitDir) await fetchInto(repo.gitDir, hRepo.gitDir, headSha, `refs/pull/${number}/head`);
  else await updateRef(repo.gitDir, `refs/pull/${number}/head`, headSha);
  if (headSha === baseSha || (await isAncestor(repo.gitDir, headSha, baseSha))) throw validation(`No commits between ${input.base} and ${input.head}`);
  const dup = repo.issues.find((i) => i.state === 'open' && i.pull && i.pull.headOwner === hRepo.owner && i.pull.headRef === ref && i.pull.baseRef === input.base);
  if (dup) throw validation(`A pull request already exists for ${hRepo.owner}:${ref}.`);
  const issue = world.addIssue(repo, { title: input.title, body: input.body ?? null, user: input.user });
  issue.pull = {
    headOwner: hRepo.owner, headRepo: hRepo.name, headRef: ref, headSha, baseRef: input.base, baseSha, draft: input.draft ?? false,
    merged: false, mergedAt: null, mergedBy: null, mergeCommitSha: null, autoMerge: null, maintainerCanModify: input.maintainerCanModify ?? true,
  };
  world.linkClosingReferences(repo, issue);
  return issue;
}

/** Re-reads the head branch (the contributor may have pushed since). */
async function refreshHead(world: World, repo: RepoRec, issue: IssueRec): Promise<void> {
  const p = issue.pull;
  if (!p || !repo.gitDir) return;
  const hRepo = world.raw(p.headOwner, p.headRepo);
  if (!hRepo?.gitDir) return;
  const sha = await resolveRef(hRepo.gitDir, `refs/heads/${p.headRef}`);
  if (sha && sha !== p.headSha) {
    if (hRepo === repo) await updateRef(repo.gitDir, `refs/pull/${issue.number}/head`, sha);
    else await fetchInto(repo.gitDir, hRepo.gitDir, sha, `refs/pull/${issue.number}/head`);
    p.headSha = sha;
  }
}

export async function mergePull(world: World, repo: RepoRec, issue: IssueRec, opts: { method?: 'merge' | 'squash' | 'rebase'; sha?: string; title?: string; message?: string; by: string }): Promise<string> {
  const p = issue.pull;
  if (!p || !repo.gitDir) throw new ApiError(404, 'Not Found');
  if (repo.archived) throw new ApiError(403, 'Repository was archived so is read-only.');
  await refreshHead(world, repo, issue);
  if (p.merged || issue.state === 'closed' || p.draft) throw new ApiError(405, 'Pull Request is not mergeable');
  if (opts.sha && opts.sha !== p.headSha) throw new ApiError(409, 'Head branch was modified. Review and try the merge again.');
  const baseTip = await resolveRef(repo.gitDir, `refs/heads/${p.baseRef}`);
  if (!baseTip) throw new ApiError(422, 'Base branch was deleted');
  const method = opts.method ?? 'merge';
  const title = opts.title ?? (method === 'merge' ? `Merge pull request #${issue.number} from ${p.headOwner}/${p.headRef}` : `${issue.title} (#${issue.number})`);
  const message = opts.message ? `${title}\n\n${opts.message}\n` : `${title}\n`;
  const by = world.user(opts.by);
  const sha = await mergeCommits(repo.gitDir, baseTip, p.headSha, method, { name: by.name ?? by.login, email: by.email ?? `${by.login}@users.noreply.github.com` }, message, world.now());
  if (!sha) throw new ApiError(405, 'Pull Request is not mergeable');
  await updateRef(repo.gitDir, `refs/heads/${p.baseRef}`, sha, baseTip);
  const now = world.now();
  Object.assign(p, { merged: true, mergedAt: now, mergedBy: by.login, mergeCommitSha: sha, autoMerge: null });
  issue.state = 'closed';
  issue.closedAt = now;
  issue.updatedAt = now;
  world.notePush(repo);
  for (const n of repo.issues) {
    if (!n.pull && n.state === 'open' && n.linkedPulls.includes(issue.number) && p.baseRef === repo.defaultBranch) {
      n.state = 'closed';
      n.closedAt = now;
      n.updatedAt = now;
    }
  }
  return sha;
}

/** Merges pull requests with auto-merge enabled once branch protection's required checks pass. */
export async function runAutoMerge(world: World, repo: RepoRec, sha: string): Promise<void> {
  for (const issue of repo.issues) {
    const p = issue.pull;
    if (!p?.autoMerge || p.headSha !== sha || issue.state !== 'open') continue;
    if (!world.checksAllowMerge(repo, sha)) continue;
    const method = p.autoMerge.method.toLowerCase() as 'merge' | 'squash' | 'rebase';
    await mergePull(world, repo, issue, { method, by: p.autoMerge.enabledBy }).catch(() => undefined);
  }
}

/**
 * GitHub's rules for enabling auto-merge: the repository allows it, the PR is open and not a
 * draft, and something still blocks the merge (a required check that has not passed). A PR that
 * could merge now is in "clean status", and GitHub refuses: it is merged directly instead.
 */
export async function enableAutoMerge(world: World, repo: RepoRec, issue: IssueRec, method: 'MERGE' | 'SQUASH' | 'REBASE', by: string): Promise<void> {
  const p = issue.pull;
  if (!p) throw new ApiError(404, 'Not a pull request');
  if (!repo.allowAutoMerge) throw new ApiError(422, 'Pull request Auto merge is not allowed for this repository');
  if (issue.state !== 'open' || p.merged) throw new ApiError(422, 'Pull request is not in the correct state to enable auto-merge');
  if (p.draft) throw new ApiError(422, 'Pull request is in draft state');
  await refreshHead(world, repo, issue);
  if (world.checksAllowMerge(repo, p.headSha)) throw new ApiError(422, 'Pull request is in clean status');
  p.autoMerge = { method, enabledBy: by, enabledAt: world.now() };
}

/** A draft becomes ready for review (only its author or a writer may do it; the stand-in does not check). */
export function markReadyForReview(issue: IssueRec): void {
  if (!issue.pull) throw new ApiError(404, 'Not a pull request');
  if (issue.state !== 'open') throw new ApiError(422, 'Pull request is closed');
  issue.pull.draft = false;
}
