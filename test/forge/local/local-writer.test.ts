import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openPullRequest } from '../../../src/contribute/contribute.js';
import { findPrRow } from '../../../src/db/pull-requests.js';
import { NotFound, UsageError } from '../../../src/errors.js';
import { LocalForgeWriter } from '../../../src/forge/local/writer.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { git } from '../../helpers/forge-write.js';

describe('local forge writer: a PR is a branch plus a stored record', () => {
  let db: TestDatabase;
  let root: string;
  let repoDir: string;
  const ref = { owner: 'local', name: 'demo' };

  before(async () => {
    db = await createTestDatabase();
    root = await mkdtemp(path.join(tmpdir(), 'local-forge-'));
    repoDir = path.join(root, 'demo');
    await mkdir(path.join(repoDir, '.globallm'), { recursive: true });
    await git(root, 'init', '--quiet', '-b', 'main', repoDir);
    await writeFile(path.join(repoDir, 'README.md'), '# demo\n');
    await writeFile(path.join(repoDir, 'CONTRIBUTING.md'), 'AI-assisted contributions are welcome if you disclose them.\n');
    await writeFile(path.join(repoDir, '.globallm', 'issues.jsonl'), [
      JSON.stringify({ number: 1, title: 'Typo in README', createdAt: '2025-01-01T00:00:00Z' }),
      JSON.stringify({ number: 2, title: 'Taken', createdAt: '2025-01-01T00:00:00Z', assignees: ['alice'] }),
      JSON.stringify({ number: 3, title: 'Second typo', createdAt: '2025-01-01T00:00:00Z' }),
      JSON.stringify({ number: 4, title: 'Retried after a lost record', createdAt: '2025-01-01T00:00:00Z' }),
    ].join('\n') + '\n');
    await git(repoDir, 'add', '-A');
    await git(repoDir, 'commit', '--quiet', '-m', 'init');
  });
  after(async () => {
    await db.drop();
    await rm(root, { recursive: true, force: true });
  });

  test('consent files are read from HEAD', async () => {
    const w = new LocalForgeWriter({ pool: db.pool, root });
    const snap = await w.readConsentFiles(ref);
    assert.deepEqual(snap.files.map((f) => f.path), ['CONTRIBUTING.md']);
    assert.equal(snap.defaultBranch, 'main');
  });

  test('openPullRequest makes a branch with one commit and a stored draft record; the working tree is untouched', async () => {
    const w = new LocalForgeWriter({ pool: db.pool, root });
    const r = await openPullRequest({ pool: db.pool, forge: w, caps: { maxOpenPrsPerRepo: 3, maxOpenPrsPerOwner: 5, requireOptIn: false } }, {
      forge: 'local', repo: ref, issue: { number: 1, title: 'Typo in README' },
      files: [{ path: 'README.md', before: '# demo\n', after: '# Demo\n' }, { path: 'docs/new.md', after: 'new\n' }],
      summary: 'Fix the typo.', evidence: { failedBefore: [], passedAfter: [], newTests: [] },
      disclosure: { model: 'm', inputTokens: 1, outputTokens: 1, costUsd: 0 },
    });
    assert.equal(r.status, 'opened');
    const branch = 'globallm/issue-1-typo-in-readme';
    assert.equal(await git(repoDir, 'show', `${branch}:README.md`), '# Demo');
    assert.equal(await git(repoDir, 'show', `${branch}:docs/new.md`), 'new');
    assert.equal(await git(repoDir, 'rev-list', '--count', `main..${branch}`), '1');
    assert.equal(await readFile(path.join(repoDir, 'README.md'), 'utf8'), '# demo\n');
    const row = await findPrRow(db.pool, 'local', ref, 1);
    assert.equal(row?.state, 'draft');
    assert.equal(row?.number, 1);
    assert.equal(row?.branch, branch);
    assert.match(row?.body ?? '', /Fixes #1/);
    assert.equal(await w.countOpenPullRequestsByUs({ owner: 'local', name: 'demo' }), 1);
    const again = await openPullRequest({ pool: db.pool, forge: w, caps: { maxOpenPrsPerRepo: 3, maxOpenPrsPerOwner: 5, requireOptIn: false } }, {
      forge: 'local', repo: ref, issue: { number: 1, title: 'Typo in README' },
      files: [{ path: 'README.md', before: '# demo\n', after: '# Demo\n' }, { path: 'docs/new.md', after: 'new\n' }],
      summary: 'Fix the typo.', evidence: { failedBefore: [], passedAfter: [], newTests: [] },
      disclosure: { model: 'm', inputTokens: 1, outputTokens: 1, costUsd: 0 },
    });
    assert.equal(again.status, 'unchanged');
    assert.equal(await git(repoDir, 'rev-list', '--count', `main..${branch}`), '1');
    const state = await w.pullRequestState(ref, 1);
    assert.equal(state.state, 'OPEN');
  });

  test('a rerun never makes a second commit: not when its commit landed unrecorded; a different fix replaces the open PR with its own branch and PR', async () => {
    const w = new LocalForgeWriter({ pool: db.pool, root });
    const deps = { pool: db.pool, forge: w, caps: { maxOpenPrsPerRepo: 3, maxOpenPrsPerOwner: 5, requireOptIn: false } };
    const request = (after: string) => ({
      forge: 'local' as const, repo: ref, issue: { number: 3, title: 'Second typo' },
      files: [{ path: 'CONTRIBUTING.md', before: 'AI-assisted contributions are welcome if you disclose them.\n', after }],
      summary: 'Fix the wording.', evidence: { failedBefore: [], passedAfter: [], newTests: [] },
      disclosure: { model: 'm', inputTokens: 1, outputTokens: 1, costUsd: 0 },
    });
    const branch = 'globallm/issue-3-second-typo';
    const first = await openPullRequest(deps, request('AI-assisted contributions are welcome when disclosed.\n'));
    assert.equal(first.status, 'opened');
    const tip = await git(repoDir, 'rev-parse', branch);

    // The worker died after its commit, before it recorded it: the retry finds the commit on the branch.
    await db.pool.query(`UPDATE pull_requests SET head_oid = NULL WHERE name = 'demo' AND issue_number = 3`);
    const retried = await openPullRequest(deps, request('AI-assisted contributions are welcome when disclosed.\n'));
    assert.ok(retried.status === 'unchanged' || retried.status === 'updated', retried.status);
    assert.equal(await git(repoDir, 'rev-list', '--count', `main..${branch}`), '1');
    assert.equal(await git(repoDir, 'rev-parse', branch), tip);
    assert.equal((await findPrRow(db.pool, 'local', ref, 3))?.head_oid, tip, 'the commit is recorded now');

    // A run reset to before its fix was made brings another fix: a new PR on a branch of its own
    // replaces the open one, which is closed (its branch left as it was).
    const other = await openPullRequest(deps, request('Disclosed AI-assisted contributions are welcome.\n'));
    assert.equal(other.status, 'opened');
    if (other.status !== 'opened' || first.status !== 'opened') return;
    assert.match(other.pull.headRefName, /^globallm\/issue-3-second-typo-[0-9a-f]{10}$/);
    assert.equal(await git(repoDir, 'rev-list', '--count', `main..${other.pull.headRefName}`), '1', 'one commit on the new branch');
    assert.equal(await git(repoDir, 'rev-parse', branch), tip, 'the old branch is left as it was');
    const local = (await db.pool.query<{ number: number; state: string; branch: string }>(
      `SELECT number, state, branch FROM local_pull_requests WHERE name = 'demo' AND issue_number = 3 ORDER BY number`)).rows;
    assert.deepEqual(local, [{ number: first.pull.number, state: 'closed', branch }, { number: other.pull.number, state: 'draft', branch: other.pull.headRefName }]);
    assert.equal(other.detail, `opened #${other.pull.number} with a newer fix and closed #${first.pull.number} in its favour`);
    const outcome = (await db.pool.query<{ detail: { comment: string } }>(`SELECT o.detail FROM outcomes o JOIN pull_requests p ON p.id = o.pull_request_id WHERE p.name = 'demo' AND p.number = $1`, [first.pull.number])).rows;
    assert.match(outcome[0]?.detail.comment ?? '', new RegExp(`^Superseded by #${other.pull.number}: a newer fix for issue #3\\.`), 'the local forge keeps the comment in the outcome');
    // The same again: the same PR, nothing committed.
    const same = await openPullRequest(deps, request('Disclosed AI-assisted contributions are welcome.\n'));
    assert.equal(same.status, 'unchanged');
    assert.equal(await git(repoDir, 'rev-list', '--count', `main..${other.pull.headRefName}`), '1');
  });

  // The chaos benchmark restarted PostgreSQL between an open_pr attempt's commit and its record of
  // the commit; the retry committed the same change again on top.
  test('a retried open_pr whose commit was made but never recorded adds no second commit', async () => {
    const w = new LocalForgeWriter({ pool: db.pool, root });
    const request = {
      forge: 'local' as const, repo: ref, issue: { number: 4, title: 'Retried after a lost record' },
      files: [{ path: 'docs/retry.md', after: 'once\n' }],
      summary: 'Add the page.', evidence: { failedBefore: [], passedAfter: [], newTests: [] },
      disclosure: { model: 'm', inputTokens: 1, outputTokens: 1, costUsd: 0 },
    };
    const deps = { pool: db.pool, forge: w, caps: { maxOpenPrsPerRepo: 9, maxOpenPrsPerOwner: 9, requireOptIn: false } };
    assert.equal((await openPullRequest(deps, request)).status, 'opened');
    const branch = 'globallm/issue-4-retried-after-a-lost-record';
    const head = await git(repoDir, 'rev-parse', branch);
    // What the first attempt left when it failed right after its commit: the branch, no pull request, and a record without either.
    await db.pool.query(`UPDATE pull_requests SET state = 'pending', number = NULL, head_oid = NULL WHERE owner = 'local' AND name = 'demo' AND issue_number = 4`);
    await db.pool.query(`DELETE FROM local_pull_requests WHERE owner = 'local' AND name = 'demo' AND issue_number = 4`);
    const retried = await openPullRequest(deps, request);
    assert.equal(retried.status, 'opened');
    assert.equal(await git(repoDir, 'rev-list', '--count', `main..${branch}`), '1');
    assert.equal(await git(repoDir, 'rev-parse', branch), head);
    assert.equal((await findPrRow(db.pool, 'local', ref, 4))?.head_oid, head);
  });

  test('an assigned issue is skipped; unsafe paths and branch names are refused', async () => {
    const w = new LocalForgeWriter({ pool: db.pool, root });
    const ex = await w.findExisting(ref, 2, 'globallm/issue-2-taken');
    assert.deepEqual(ex.assignees, ['alice']);
    const base = ex.upstreamBaseOid ?? '';
    await assert.rejects(w.commitFiles(ref, 'globallm/x', { baseOid: base }, [{ path: '../escape', contents: 'x' }], 'm'), UsageError);
    await assert.rejects(w.commitFiles(ref, '-evil', { baseOid: base }, [{ path: 'a', contents: 'x' }], 'm'), UsageError);
    await assert.rejects(w.commitFiles(ref, 'a/../b', { baseOid: base }, [{ path: 'a', contents: 'x' }], 'm'), UsageError);
  });
});

describe('local forge writer: its pull requests are its own records, not the pipeline\'s', () => {
  let db: TestDatabase;
  let root: string;
  let repoDir: string;
  const ref = { owner: 'local', name: 'own' };

  before(async () => {
    db = await createTestDatabase();
    root = await mkdtemp(path.join(tmpdir(), 'local-forge-own-'));
    repoDir = path.join(root, 'own');
    await mkdir(path.join(repoDir, '.globallm'), { recursive: true });
    await git(root, 'init', '--quiet', '-b', 'main', repoDir);
    await writeFile(path.join(repoDir, 'README.md'), '# own\n');
    await writeFile(path.join(repoDir, '.globallm', 'issues.jsonl'), [1, 2].map((n) => JSON.stringify({ number: n, title: `Issue ${n}`, createdAt: '2025-01-01T00:00:00Z' })).join('\n') + '\n');
    await git(repoDir, 'add', '-A');
    await git(repoDir, 'commit', '--quiet', '-m', 'init');
  });
  after(async () => {
    await db.drop();
    await rm(root, { recursive: true, force: true });
  });

  async function branchWithCommit(w: LocalForgeWriter, branch: string): Promise<string> {
    const base = (await w.findExisting(ref, 1, branch)).upstreamBaseOid ?? '';
    return (await w.commitFiles(ref, branch, { baseOid: base }, [{ path: `${branch.replace(/\W/g, '-')}.md`, contents: 'x\n' }], 'change')).oid;
  }

  test('opening, numbering, closing and reopening touch no pull_requests row', async () => {
    const w = new LocalForgeWriter({ pool: db.pool, root });
    await branchWithCommit(w, 'globallm/one');
    await branchWithCommit(w, 'globallm/two');
    const base = { upstream: ref, baseBranch: 'main', headOwner: 'local', title: 't', body: 'b', draft: true };
    const one = await w.openDraftPullRequest({ ...base, branch: 'globallm/one', issueNumber: 1 });
    const two = await w.openDraftPullRequest({ ...base, branch: 'globallm/two', issueNumber: 2 });
    assert.deepEqual([one.ok && one.pull.number, two.ok && two.pull.number], [1, 2], 'numbered per repository');
    assert.equal(one.ok && one.pull.url, 'local:own#1');
    const again = await w.openDraftPullRequest({ ...base, branch: 'globallm/one', issueNumber: 1 });
    assert.equal(again.ok ? 'opened' : again.reason, 'already_exists');
    assert.equal(await w.countOpenPullRequestsByUs({ owner: 'local' }), 2);
    assert.equal((await w.findOwnPullRequest(ref, 'local', 'globallm/two'))?.number, 2);
    assert.equal(await w.findOwnPullRequest(ref, 'local', 'globallm/none'), null);

    await w.updatePullRequest(ref, 2, { state: 'closed' });
    assert.equal((await w.pullRequestState(ref, 2)).state, 'CLOSED');
    assert.equal(await w.countOpenPullRequestsByUs({ owner: 'local', name: 'own' }), 1);
    await w.updatePullRequest(ref, 2, { state: 'open', title: 'new title' });
    assert.equal((await w.pullRequestState(ref, 2)).state, 'OPEN');
    if (one.ok) await w.markReadyForReview(ref, one.pull);
    assert.equal((await w.pullRequestState(ref, 1)).isDraft, false);

    await assert.rejects(w.updatePullRequest(ref, 9, { state: 'closed' }), NotFound);
    await assert.rejects(w.pullRequestState(ref, 9), NotFound);
    assert.equal((await db.pool.query('SELECT 1 FROM pull_requests')).rowCount, 0, 'the pipeline\'s table is not the forge\'s');
  });

  test('a branch merged into the default branch makes its pull request merged; a deleted branch makes it closed', async () => {
    const w = new LocalForgeWriter({ pool: db.pool, root });
    await git(repoDir, 'merge', '--quiet', '--ff-only', 'globallm/one');
    const merged = await w.pullRequestState(ref, 1);
    assert.equal(merged.state, 'MERGED');
    assert.equal(merged.mergedAt, merged.updatedAt);
    await git(repoDir, 'branch', '--quiet', '-D', 'globallm/two');
    assert.equal((await w.pullRequestState(ref, 2)).state, 'CLOSED');
    assert.equal(await w.countOpenPullRequestsByUs({ owner: 'local' }), 0);
  });
});
