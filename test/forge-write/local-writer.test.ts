import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openPullRequest } from '../../src/contribute/contribute.js';
import { findPrRow } from '../../src/db/pull-requests.js';
import { UsageError } from '../../src/errors.js';
import { LocalForgeWriter } from '../../src/forge/local/writer.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { git } from './helpers.js';

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

  test('a rerun never makes a second commit: not when its commit landed unrecorded, nor when its fix differs from the open PR', async () => {
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

    // A run reset to before its fix was made brings another fix: the open PR is kept as it is, and the run is told why.
    const patch = (await findPrRow(db.pool, 'local', ref, 3))?.patch;
    const other = await openPullRequest(deps, request('Disclosed AI-assisted contributions are welcome.\n'));
    assert.equal(other.status, 'kept');
    assert.match(other.status === 'kept' ? other.detail : '', /our PR #\d+ is already open with an earlier fix; this run's fix was not pushed\. To replace it, close the PR \(globallm prs close local\/demo#3\) and start the issue again\./);
    assert.equal(await git(repoDir, 'rev-parse', branch), tip, 'no second commit');
    assert.equal((await findPrRow(db.pool, 'local', ref, 3))?.patch, patch, 'the PR keeps its fix');
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
    // What the first attempt left when it failed right after its commit: the branch, and a record without it.
    await db.pool.query(`UPDATE pull_requests SET state = 'pending', number = NULL, head_oid = NULL WHERE owner = 'local' AND name = 'demo' AND issue_number = 4`);
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
