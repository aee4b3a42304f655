import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Unavailable, UsageError } from '../../../src/errors.js';
import { createGitHubClient } from '../../../src/forge/github/client.js';
import { branchName } from '../../../src/forge/writer.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../../src/sim/github/server.js';
import { git, writerFor, writes } from '../../helpers/forge-write.js';

const quickparse = { owner: 'pyfoundry', name: 'quickparse' };

describe('GitHub writer against the stand-in', () => {
  let gh: GitHubStandIn;
  let work: string;

  before(async () => {
    gh = await startGitHubStandIn({ limits: { forkDelayMs: 150 } });
    work = await mkdtemp(path.join(tmpdir(), 'forge-write-'));
    const author = { name: 'Alice', email: 'alice@example.org' };
    await gh.world.addRepo({ owner: 'policyorg', name: 'guarded', commits: [{ author, date: '2025-01-01T00:00:00Z', message: 'init', files: { 'README.md': '# guarded\n', 'CONTRIBUTING.md': '# Contributing\n\nWe do not accept AI-generated pull requests.\n', '.globallm.yml': 'enabled: true\nmaxOpenPrs: 1\n' } }] });
  });
  after(async () => {
    await gh.close();
    await rm(work, { recursive: true, force: true });
  });

  test('branch names are slugged and bounded', () => {
    assert.equal(branchName(12, 'Crash on  "empty" input!'), 'globallm/issue-12-crash-on-empty-input');
    assert.equal(branchName(3, '日本語'), 'globallm/issue-3');
    assert.ok(branchName(1, 'x'.repeat(500)).length <= 'globallm/issue-1-'.length + 40);
  });

  test('consent files come back from ONE GraphQL query', async () => {
    const { writer } = writerFor(gh);
    gh.resetCounters();
    const snap = await writer.readConsentFiles({ owner: 'policyorg', name: 'guarded' });
    assert.equal(gh.counters.graphql_requests, 1);
    assert.deepEqual(snap.files.map((f) => f.path), ['.globallm.yml', 'CONTRIBUTING.md']);
    assert.match(snap.files[1]?.text ?? '', /do not accept AI-generated/);
    assert.equal(snap.viewer, 'globallm-bot');
    assert.match(snap.baseOid ?? '', /^[0-9a-f]{40}$/);
  });

  test('findExisting sees linked PRs, assignees and claims', async () => {
    const { writer } = writerFor(gh);
    const linked = await writer.findExisting(quickparse, 6, 'globallm/issue-6-x');
    assert.deepEqual(linked.linkedByOthers.map((p) => [p.number, p.author]), [[7, 'bob']]);
    const assigned = await writer.findExisting(quickparse, 1, 'globallm/issue-1-x');
    assert.deepEqual(assigned.assignees, ['carol']);
    const claimed = await writer.findExisting(quickparse, 5, 'globallm/issue-5-x');
    assert.deepEqual(claimed.claimedBy, ['erin']);
    const free = await writer.findExisting(quickparse, 3, 'globallm/issue-3-x');
    assert.deepEqual([free.linkedByOthers, free.assignees, free.claimedBy, free.ownPull, free.fork], [[], [], [], null, null]);
  });

  test('a fork is created and waited for (heartbeat per poll), then reused', async () => {
    const { writer, mutations } = writerFor(gh);
    gh.resetCounters();
    const polls: number[] = [];
    const fork = await writer.ensureFork({ owner: 'tsworks', name: 'typed-fetch' }, { intervalMs: 20, onPoll: (p) => polls.push(p.attempt) });
    assert.equal(fork.created, true);
    assert.equal(fork.owner, 'globallm-bot');
    assert.ok(polls.length >= 2, `expected several polls, got ${polls.length}`);
    assert.equal(writes(gh, mutations), 1);
    const again = await writer.ensureFork({ owner: 'tsworks', name: 'typed-fetch' }, { intervalMs: 20 });
    assert.equal(again.created, false);
    assert.equal(writes(gh, mutations), 1, 'an existing fork costs no write');
  });

  test('a fork that never becomes ready fails with Unavailable after the timeout', async () => {
    const slow = await startGitHubStandIn({ limits: { forkDelayMs: 3_600_000 } });
    try {
      const { writer } = writerFor(slow);
      let polls = 0;
      await assert.rejects(writer.ensureFork(quickparse, { timeoutMs: 200, intervalMs: 25, onPoll: () => { polls += 1; } }), (e: unknown) => e instanceof Unavailable && /not ready/.test(e.message));
      assert.ok(polls >= 2);
    } finally {
      await slow.close();
    }
  });

  test('twenty files in ONE mutation; the real git repository holds them', async () => {
    const { writer, mutations } = writerFor(gh);
    const fork = await writer.ensureFork(quickparse, { intervalMs: 20 });
    const existing = await writer.findExisting(quickparse, 3, 'globallm/issue-3-many');
    gh.resetCounters();
    const before = mutations();
    const files = Array.from({ length: 20 }, (_, i) => ({ path: `docs/page-${i}.md`, contents: `page ${i}\n` }));
    const c = await writer.commitFiles(fork, 'globallm/issue-3-many', { baseOid: existing.upstreamBaseOid ?? '' }, [...files, { path: 'CHANGELOG.md', contents: null }], 'Add pages\n\nFixes #3');
    assert.equal(mutations() - before, 1, 'one GraphQL mutation');
    assert.equal(gh.counters.rest_write, 1, 'one ref creation');
    assert.equal(c.branchCreated, true);
    const dir = path.join(work, 'clone-many');
    await git(work, 'clone', '--quiet', '--branch', 'globallm/issue-3-many', gh.gitUrl(fork.owner, fork.name), dir);
    assert.equal(await git(dir, 'rev-parse', 'HEAD'), c.oid);
    assert.equal(await git(dir, 'rev-parse', 'HEAD~1'), existing.upstreamBaseOid);
    assert.equal(await readFile(path.join(dir, 'docs/page-19.md'), 'utf8'), 'page 19\n');
    await assert.rejects(readFile(path.join(dir, 'CHANGELOG.md')));
    assert.equal(await git(dir, 'log', '-1', '--format=%s'), 'Add pages');
  });

  test('PR creation: draft, then 422 "already exists" and "no commits" come back as values', async () => {
    const { writer } = writerFor(gh);
    const fork = await writer.ensureFork(quickparse, { intervalMs: 20 });
    const ex = await writer.findExisting(quickparse, 2, 'globallm/issue-2-inline');
    await writer.commitFiles(fork, 'globallm/issue-2-inline', { baseOid: ex.upstreamBaseOid ?? '' }, [{ path: 'quickparse/core.py', contents: '# fixed\n' }], 'Fix');
    const input = { upstream: quickparse, baseBranch: 'main', headOwner: fork.owner, branch: 'globallm/issue-2-inline', title: 'Fix #2', body: 'Fixes #2', draft: true, issueNumber: 2 };
    const first = await writer.openDraftPullRequest(input);
    assert.ok(first.ok);
    assert.equal(first.pull.isDraft, true);
    const second = await writer.openDraftPullRequest(input);
    assert.deepEqual(second.ok ? 'ok' : second.reason, 'already_exists');
    const own = await writer.findOwnPullRequest(quickparse, fork.owner, 'globallm/issue-2-inline');
    assert.equal(own?.number, first.pull.number);
    const afterOpen = await writer.findExisting(quickparse, 2, 'globallm/issue-2-inline');
    assert.equal(afterOpen.ownPull?.number, first.pull.number);
    assert.equal(afterOpen.ownBranchOid, first.pull.headOid);
    assert.equal(await writer.countOpenPullRequestsByUs({ owner: 'pyfoundry', name: 'quickparse' }), 1);

    // A branch with no commits over the base: 422 "No commits between" comes back as a value.
    const octokit = createGitHubClient({ baseUrl: gh.url, token: 't', maxInlineWaitSeconds: 0 });
    await octokit.request('POST /repos/{owner}/{repo}/git/refs', { owner: fork.owner, repo: fork.name, ref: 'refs/heads/globallm/issue-4-none', sha: ex.upstreamBaseOid ?? '' });
    const none = await writer.openDraftPullRequest({ ...input, branch: 'globallm/issue-4-none', issueNumber: 4 });
    assert.deepEqual(none.ok ? 'ok' : none.reason, 'no_commits');
    const state = await writer.pullRequestState(quickparse, first.pull.number);
    assert.equal(state.state, 'OPEN');
    assert.equal(state.isDraft, true);
  });

  test('a deleted branch is recreated from the base when committing', async () => {
    const { writer } = writerFor(gh);
    const fork = await writer.ensureFork(quickparse, { intervalMs: 20 });
    const ex = await writer.findExisting(quickparse, 3, 'globallm/issue-3-gone');
    // Claim a head that no longer exists: the commit finds the branch missing and starts it again.
    const c = await writer.commitFiles(fork, 'globallm/issue-3-gone', { baseOid: ex.upstreamBaseOid ?? '', headOid: '0'.repeat(40) }, [{ path: 'NOTE.md', contents: 'n\n' }], 'Note');
    assert.equal(c.branchCreated, true);
  });

  test('bad input is refused before any request', async () => {
    const { writer, mutations } = writerFor(gh);
    gh.resetCounters();
    await assert.rejects(writer.commitFiles({ owner: 'globallm-bot', name: 'quickparse' }, 'b', { baseOid: 'x' }, [], 'm'), UsageError);
    assert.equal(writes(gh, mutations), 0);
  });
});
