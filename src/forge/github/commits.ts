/**
 * One commit with any number of files: GraphQL `createCommitOnBranch` (a single request, where the
 * REST Git Data API needs one per blob plus tree, commit and ref). The branch is created first
 * from the upstream base commit when it does not exist yet.
 */
import { NotFound, Unavailable, UsageError } from '../../errors.js';
import type { RepoRef } from '../types.js';
import type { CommitResult, CommitTarget, FileChange } from '../writer.js';
import { branchHead, createBranch, syncFork } from './branches.js';
import { graphqlRequest } from './graphql.js';
import { httpStatus, type GitHubWriteContext } from './write-context.js';

const COMMIT_MUTATION = `mutation Commit($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid } }
}`;

const COMMIT_QUERY = `query Landed($owner: String!, $name: String!, $oid: GitObjectID!) {
  repository(owner: $owner, name: $name) { object(oid: $oid) { ... on Commit { message parents(first: 2) { nodes { oid } } } } }
}`;

interface CommitQueryData {
  repository: { object: { message?: string; parents?: { nodes: ({ oid: string } | null)[] } } | null } | null;
}

interface CommitData {
  createCommitOnBranch: { commit: { oid: string } | null } | null;
}

type Attempt = { ok: true; oid: string } | { ok: false; kind: 'stale' | 'no_branch'; message: string };

function splitMessage(message: string): { headline: string; body?: string } {
  const [first = '', ...rest] = message.replace(/\r\n?/g, '\n').split('\n');
  const headline = first.trim().slice(0, 200) || 'Update files';
  const body = rest.join('\n').trim();
  return body ? { headline, body } : { headline };
}

async function tryCommit(ctx: GitHubWriteContext, repo: RepoRef, branch: string, expectedHeadOid: string, changes: readonly FileChange[], message: string): Promise<Attempt> {
  const additions = changes.filter((c) => c.contents !== null).map((c) => ({ path: c.path, contents: Buffer.from(c.contents ?? '', 'utf8').toString('base64') }));
  const deletions = changes.filter((c) => c.contents === null).map((c) => ({ path: c.path }));
  await ctx.budget.acquire(`commit ${repo.owner}/${repo.name}:${branch}`);
  const res = await graphqlRequest<CommitData>(ctx.octokit, COMMIT_MUTATION, {
    input: {
      branch: { repositoryNameWithOwner: `${repo.owner}/${repo.name}`, branchName: branch },
      expectedHeadOid,
      message: splitMessage(message),
      fileChanges: { additions, deletions },
    },
  }, `committing to ${repo.owner}/${repo.name}:${branch}`);
  const oid = res.data?.createCommitOnBranch?.commit?.oid;
  if (oid) return { ok: true, oid };
  const err = res.errors[0];
  const text = res.errors.map((e) => e.message).join('; ');
  if (err?.type === 'STALE_DATA') return { ok: false, kind: 'stale', message: text };
  if (err?.type === 'NOT_FOUND' && /ref/i.test(text)) return { ok: false, kind: 'no_branch', message: text };
  if (err?.type === 'NOT_FOUND') throw new NotFound(`committing to ${repo.owner}/${repo.name}: ${text}`);
  if (err?.type === 'UNPROCESSABLE') throw new UsageError(`the forge refused the commit to ${repo.owner}/${repo.name}: ${text}`);
  throw new Unavailable(`committing to ${repo.owner}/${repo.name} failed: ${text || 'no commit returned'}`);
}

const fullMessage = (message: string): string => {
  const m = splitMessage(message);
  return m.body ? `${m.headline}\n\n${m.body}` : m.headline;
};

/**
 * After a lost answer or a moved branch: the branch head when it is the commit we asked for —
 * its only parent is `expected` and its message is ours — so it is never made twice.
 */
async function landedCommit(ctx: GitHubWriteContext, repo: RepoRef, branch: string, expected: string, message: string): Promise<{ landed: string | null; head: string | null }> {
  const head = await branchHead(ctx, repo, branch);
  if (!head || head === expected) return { landed: null, head };
  const res = await graphqlRequest<CommitQueryData>(ctx.octokit, COMMIT_QUERY, { owner: repo.owner, name: repo.name, oid: head }, `reading commit ${head} of ${repo.owner}/${repo.name}`);
  const commit = res.data?.repository?.object;
  const parents = (commit?.parents?.nodes ?? []).map((p) => p?.oid);
  const ours = parents.length === 1 && parents[0] === expected && (commit?.message ?? '').trim() === fullMessage(message);
  return { landed: ours ? head : null, head };
}

type HeldFiles = { repository: Record<string, { text?: string | null; isTruncated?: boolean } | null> | null };

/**
 * Whether a commit already holds these file contents: a retried activity whose commit landed but
 * was never recorded finds it here instead of committing the same change twice.
 */
async function commitHolds(ctx: GitHubWriteContext, repo: RepoRef, oid: string, changes: readonly FileChange[]): Promise<boolean> {
  const variables: Record<string, string> = { owner: repo.owner, name: repo.name };
  changes.forEach((c, i) => { variables[`e${i}`] = `${oid}:${c.path}`; });
  const params = changes.map((_, i) => `$e${i}: String!`).join(', ');
  const fields = changes.map((_, i) => `f${i}: object(expression: $e${i}) { ... on Blob { text isTruncated } }`).join(' ');
  const query = `query Held($owner: String!, $name: String!, ${params}) { repository(owner: $owner, name: $name) { ${fields} } }`;
  const files = (await graphqlRequest<HeldFiles>(ctx.octokit, query, variables, `reading ${repo.owner}/${repo.name} at ${oid}`)).data?.repository;
  if (!files) return false;
  return changes.every((c, i) => {
    const f = files[`f${i}`] ?? null;
    return c.contents === null ? f === null : f?.isTruncated === false && f.text === c.contents;
  });
}

type Failed = { ok: false; kind: 'lost'; error: Unavailable } | { ok: false; kind: 'refused'; error: UsageError };

/**
 * One attempt. A lost answer (the forge unreachable mid-request) comes back as 'lost'; an HTTP
 * 422 for the whole request, which GitHub also answers when it could not process it just then,
 * as 'refused' (a refusal of the commit itself comes as a GraphQL error and throws).
 */
async function attemptCommit(ctx: GitHubWriteContext, repo: RepoRef, branch: string, head: string, changes: readonly FileChange[], message: string): Promise<Attempt | Failed> {
  try {
    return await tryCommit(ctx, repo, branch, head, changes, message);
  } catch (err) {
    if (err instanceof Unavailable) return { ok: false, kind: 'lost', error: err };
    if (err instanceof UsageError && httpStatus(err.cause) === 422) return { ok: false, kind: 'refused', error: err };
    throw err;
  }
}

async function ensureBranch(ctx: GitHubWriteContext, repo: RepoRef, branch: string, baseOid: string, syncBranch: string | undefined): Promise<{ head: string; created: boolean }> {
  let made = await createBranch(ctx, repo, branch, baseOid);
  if (!made.created && made.reason === 'missing_object' && syncBranch) {
    // The upstream base commit is not in the fork yet: sync the fork, then try once more.
    await syncFork(ctx, repo, syncBranch);
    made = await createBranch(ctx, repo, branch, baseOid);
  }
  if (made.created) return { head: made.oid, created: true };
  if (made.reason === 'missing_object') throw new Unavailable(`base commit ${baseOid} is not in ${repo.owner}/${repo.name}: ${made.message}`);
  const head = await branchHead(ctx, repo, branch);
  if (!head) throw new Unavailable(`branch ${branch} of ${repo.owner}/${repo.name} exists and vanished`);
  return { head, created: false };
}

export async function commitFiles(
  ctx: GitHubWriteContext,
  repo: RepoRef,
  branch: string,
  target: CommitTarget,
  changes: readonly FileChange[],
  message: string,
): Promise<CommitResult> {
  if (changes.length === 0) throw new UsageError('a commit needs at least one file change');
  let created = false;
  let head = target.headOid ?? null;
  if (head && (await commitHolds(ctx, repo, head, changes))) return { oid: head, branchCreated: false };
  if (!head) {
    const b = await ensureBranch(ctx, repo, branch, target.baseOid, target.syncBranch);
    head = b.head;
    created = b.created;
  }
  let failed: Unavailable | UsageError | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = await attemptCommit(ctx, repo, branch, head, changes, message);
    if (r.ok) return { oid: r.oid, branchCreated: created };
    if (r.kind === 'no_branch') {
      // Deleted since we looked: start it again from the base.
      const b = await ensureBranch(ctx, repo, branch, target.baseOid, target.syncBranch);
      head = b.head;
      created = created || b.created;
      continue;
    }
    // Stale, lost or refused: our commit may have landed (a lost answer, or an earlier try whose
    // answer was lost); if so it is the result, never a second commit.
    failed = r.kind === 'lost' || r.kind === 'refused' ? r.error : null;
    const seen = await landedCommit(ctx, repo, branch, head, message);
    if (seen.landed) return { oid: seen.landed, branchCreated: created };
    if (!seen.head) {
      const b = await ensureBranch(ctx, repo, branch, target.baseOid, target.syncBranch);
      head = b.head;
      created = created || b.created;
    } else head = seen.head;
  }
  if (failed) throw failed;
  throw new Unavailable(`branch ${branch} of ${repo.owner}/${repo.name} kept moving while committing`);
}
