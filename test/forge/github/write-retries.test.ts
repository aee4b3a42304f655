import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGitHubClient } from '../../../src/forge/github/client.js';
import { GitHubWriter } from '../../../src/forge/github/writer.js';
import { isGraphqlMutation, isWriteRequest } from '../../../src/forge/github/writes.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../../src/sim/github/server.js';
import { unlimitedWrites } from '../../../src/budget/write-budget.js';
import { git } from '../../helpers/forge-write.js';
import { UsageError } from '../../../src/errors.js';

const quickparse = { owner: 'pyfoundry', name: 'quickparse' };
const isCommitMutation = (options: { url?: string; query?: unknown }): boolean => String(options.url).endsWith('/graphql') && typeof options.query === 'string' && /createCommitOnBranch/.test(options.query);

describe('writes are never repeated blindly', () => {
  test('the write classifier', () => {
    for (const method of ['POST', 'PATCH', 'PUT', 'DELETE']) assert.equal(isWriteRequest({ method, url: '/repos/o/r/issues' }), true, method);
    assert.equal(isWriteRequest({ method: 'GET', url: '/repos/o/r' }), false);
    assert.equal(isWriteRequest({ method: 'POST', url: '/graphql', query: 'query { viewer { login } }' }), false);
    assert.equal(isWriteRequest({ method: 'POST', url: '/graphql', query: '# a comment\nmutation M { addComment(input: {}) { clientMutationId } }' }), true);
    assert.equal(isWriteRequest({ method: 'POST', url: '/graphql', query: 'fragment F on User { login }\nmutation { x }' }), true);
    assert.equal(isGraphqlMutation('query { search(query: "mutation") { issueCount } }'), false);
    assert.equal(isWriteRequest({ method: 'POST', url: '/graphql' }), true, 'a document we cannot read counts as a write');
  });

  describe('against a stand-in that answers every request with 502', () => {
    let gh: GitHubStandIn;
    before(async () => {
      gh = await startGitHubStandIn({ faults: { rate: 1, kinds: ['502'], seed: 7 } });
    });
    after(async () => {
      await gh.close();
    });

    test('POST, PATCH, PUT, DELETE and GraphQL mutations reach the server once', async () => {
      const octokit = createGitHubClient({ baseUrl: gh.url, token: 't', maxInlineWaitSeconds: 0 });
      const calls: (() => Promise<unknown>)[] = [
        () => octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...{ owner: 'o', repo: 'r' }, issue_number: 1, body: 'x' }),
        () => octokit.request('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', { owner: 'o', repo: 'r', pull_number: 1, title: 'x' }),
        () => octokit.request('PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge', { owner: 'o', repo: 'r', pull_number: 1 }),
        () => octokit.request('DELETE /repos/{owner}/{repo}/git/refs/{ref}', { owner: 'o', repo: 'r', ref: 'heads/x' }),
        () => octokit.request('POST /graphql', { query: 'mutation { addStar(input: { starrableId: "x" }) { clientMutationId } }' }),
      ];
      for (const call of calls) {
        const seen = gh.faultLog.length;
        await assert.rejects(call());
        assert.equal(gh.faultLog.length - seen, 1);
      }
    });
  });

  test('a secondary rate limit on a write surfaces instead of being waited out and repeated; a read waits', async () => {
    const gh = await startGitHubStandIn({ faults: { rate: 1, kinds: ['abuse403'], seed: 3 }, limits: { secondaryRetryAfterSec: 1 } });
    try {
      const octokit = createGitHubClient({ baseUrl: gh.url, token: 't', maxInlineWaitSeconds: 60 });
      await assert.rejects(octokit.request('POST /repos/{owner}/{repo}/issues', { owner: 'o', repo: 'r', title: 'x' }));
      assert.equal(gh.faultLog.length, 1, 'the write was sent once');
      await assert.rejects(octokit.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' }));
      assert.equal(gh.faultLog.length, 3, 'the read was tried again after the wait');
    } finally {
      await gh.close();
    }
  });

  describe('a createCommitOnBranch answer lost after the commit landed', () => {
    let gh: GitHubStandIn;
    let work: string;
    before(async () => {
      gh = await startGitHubStandIn({ limits: { forkDelayMs: 0 } });
      work = await mkdtemp(path.join(tmpdir(), 'lost-commit-'));
    });
    after(async () => {
      await gh.close();
      await rm(work, { recursive: true, force: true });
    });

    test('is found on the branch and returned: one commit, one mutation', async () => {
      const octokit = createGitHubClient({ baseUrl: gh.url, token: 't', maxInlineWaitSeconds: 0 });
      let commitMutations = 0;
      // The network edge: the stand-in handles the first commit, then the connection drops before the answer.
      octokit.hook.wrap('request', async (request, options) => {
        const res = await request(options);
        if (isCommitMutation(options) && ++commitMutations === 1) {
          throw Object.assign(new Error('other side closed'), { status: 500 });
        }
        return res;
      });
      const writer = new GitHubWriter({ octokit, budget: unlimitedWrites });
      const fork = await writer.ensureFork(quickparse, { intervalMs: 20 });
      const ex = await writer.findExisting(quickparse, 3, 'globallm/issue-3-lost');
      const c = await writer.commitFiles(fork, 'globallm/issue-3-lost', { baseOid: ex.upstreamBaseOid ?? '' }, [{ path: 'NOTE.md', contents: 'n\n' }], 'Fix the note\n\nFixes #3');
      assert.equal(commitMutations, 1, 'the commit was not sent again');
      const dir = path.join(work, 'clone');
      await git(work, 'clone', '--quiet', '--branch', 'globallm/issue-3-lost', gh.gitUrl(fork.owner, fork.name), dir);
      assert.equal(await git(dir, 'rev-parse', 'HEAD'), c.oid);
      assert.equal(await git(dir, 'rev-parse', 'HEAD~1'), ex.upstreamBaseOid);
    });

    test('someone else\'s push is kept: our commit goes on top of it, never over it', async () => {
      const octokit = createGitHubClient({ baseUrl: gh.url, token: 't', maxInlineWaitSeconds: 0 });
      const writer = new GitHubWriter({ octokit, budget: unlimitedWrites });
      const fork = await writer.ensureFork(quickparse, { intervalMs: 20 });
      const ex = await writer.findExisting(quickparse, 3, 'globallm/issue-3-shared');
      const first = await writer.commitFiles(fork, 'globallm/issue-3-shared', { baseOid: ex.upstreamBaseOid ?? '' }, [{ path: 'A.md', contents: 'a\n' }], 'Theirs');
      // Committing with a stale head: the branch moved to `first`, which is not ours for this message.
      const second = await writer.commitFiles(fork, 'globallm/issue-3-shared', { baseOid: ex.upstreamBaseOid ?? '', headOid: ex.upstreamBaseOid ?? '' }, [{ path: 'B.md', contents: 'b\n' }], 'Ours');
      const dir = path.join(work, 'clone-shared');
      await git(work, 'clone', '--quiet', '--branch', 'globallm/issue-3-shared', gh.gitUrl(fork.owner, fork.name), dir);
      assert.equal(await git(dir, 'rev-parse', 'HEAD'), second.oid);
      assert.equal(await git(dir, 'rev-parse', 'HEAD~1'), first.oid);
    });
  });

  describe('createCommitOnBranch answered with an HTTP 422', () => {
    const commitOnce = async (gh: GitHubStandIn, branch: string): Promise<{ result: Promise<{ oid: string }>; mutations: () => number; fork: { owner: string; name: string }; base: string }> => {
      const octokit = createGitHubClient({ baseUrl: gh.url, token: 't', maxInlineWaitSeconds: 0 });
      let commitMutations = 0;
      octokit.hook.before('request', (options) => { if (isCommitMutation(options)) commitMutations += 1; });
      const writer = new GitHubWriter({ octokit, budget: unlimitedWrites });
      const fork = await writer.ensureFork(quickparse, { intervalMs: 20 });
      const ex = await writer.findExisting(quickparse, 3, branch);
      const base = ex.upstreamBaseOid ?? '';
      return { result: writer.commitFiles(fork, branch, { baseOid: base }, [{ path: 'NOTE.md', contents: 'n\n' }], 'Fix the note\n\nFixes #3'), mutations: () => commitMutations, fork, base };
    };

    test('once: the commit is tried again and lands once, on the base', async () => {
      const gh = await startGitHubStandIn({ limits: { forkDelayMs: 0 }, faults: { rate: 0, kinds: ['500'], seed: 1, refuseCommits: 1 } });
      const work = await mkdtemp(path.join(tmpdir(), 'refused-commit-'));
      try {
        const c = await commitOnce(gh, 'globallm/issue-3-refused');
        const { oid } = await c.result;
        assert.equal(gh.injected.commitsRefused, 1);
        assert.equal(c.mutations(), 2, 'refused once, then sent again');
        const dir = path.join(work, 'clone');
        await git(work, 'clone', '--quiet', '--branch', 'globallm/issue-3-refused', gh.gitUrl(c.fork.owner, c.fork.name), dir);
        assert.equal(await git(dir, 'rev-parse', 'HEAD'), oid);
        assert.equal(await git(dir, 'rev-parse', 'HEAD~1'), c.base, 'one commit on the base');
      } finally {
        await gh.close();
        await rm(work, { recursive: true, force: true });
      }
    });

    test('every time: the refusal surfaces as a usage error after three tries, nothing committed', async () => {
      const gh = await startGitHubStandIn({ limits: { forkDelayMs: 0 }, faults: { rate: 0, kinds: ['500'], seed: 1, refuseCommits: 10 } });
      try {
        const c = await commitOnce(gh, 'globallm/issue-3-refused-always');
        await assert.rejects(c.result, (err: unknown) => err instanceof UsageError && /rejected the request/.test(err.message));
        assert.equal(c.mutations(), 3);
        const fork = gh.world.raw(c.fork.owner, c.fork.name);
        assert.equal(await gh.world.headSha(fork ?? assert.fail('no fork'), 'globallm/issue-3-refused-always'), c.base, 'the branch still points at the base');
      } finally {
        await gh.close();
      }
    });
  });
});
