import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { duplicates } from '../../bench/chaos/audit.js';
import { openPullRequest, type ContributeDeps } from '../../src/contribute/contribute.js';
import type { ContributionRequest } from '../../src/contribute/schema.js';
import { LocalForgeWriter } from '../../src/forge/local/writer.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { git } from '../helpers/forge-write.js';

// The benchmarks' duplicate audit: a newer fix of ours that replaced an earlier PR is not a
// duplicate; a second PR for an issue with nothing recorded, or a replaced PR still open, is.

let db: TestDatabase;
let root: string;
const ref = { owner: 'local', name: 'audited' };

before(async () => {
  db = await createTestDatabase();
  root = await mkdtemp(path.join(tmpdir(), 'chaos-audit-'));
  const dir = path.join(root, 'audited');
  await mkdir(path.join(dir, '.globallm'), { recursive: true });
  await git(root, 'init', '--quiet', '-b', 'main', dir);
  await writeFile(path.join(dir, 'README.md'), '# audited\n');
  await writeFile(path.join(dir, '.globallm', 'issues.jsonl'), `${JSON.stringify({ number: 1, title: 'Typo in README', createdAt: '2025-01-01T00:00:00Z' })}\n`);
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '--quiet', '-m', 'init');
});
after(async () => {
  await db.drop();
  await rm(root, { recursive: true, force: true });
});

const request = (text: string): ContributionRequest => ({
  forge: 'local', repo: ref, issue: { number: 1, title: 'Typo in README' },
  files: [{ path: 'README.md', before: '# audited\n', after: text }],
  summary: 'Fix the typo.', evidence: { failedBefore: [], passedAfter: [], newTests: [] },
  disclosure: { model: 'm', inputTokens: 1, outputTokens: 1, costUsd: 0 },
});

test('replacements by newer fixes are not duplicates; an unrecorded second branch and a replaced PR left open are', async () => {
  const deps: ContributeDeps = { pool: db.pool, forge: new LocalForgeWriter({ pool: db.pool, root }), caps: { maxOpenPrsPerRepo: 3, maxOpenPrsPerOwner: 5, requireOptIn: false } };
  const opened: number[] = [];
  for (const text of ['# Audited\n', '# The audited\n', '# Audited, fixed\n']) {
    const r = await openPullRequest(deps, request(text));
    if (r.status !== 'opened') throw new Error(r.status);
    opened.push(r.pull.number);
  }
  const dir = path.join(root, 'audited');
  const branches = (await git(dir, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/globallm/')).split('\n').filter(Boolean);
  assert.equal(branches.length, 3, 'three fixes, three branches');
  assert.deepEqual(await duplicates(db.pool, root, ['audited']), { prs: 0, commits: 0 }, 'two replacements, no duplicate');

  // An earlier PR whose close is still owed is open beside the newer one: a duplicate for now.
  await db.pool.query(`UPDATE pull_requests SET state = 'open' WHERE name = 'audited' AND number = $1`, [opened[0]]);
  assert.equal((await duplicates(db.pool, root, ['audited'])).prs, 1);
  await db.pool.query(`UPDATE pull_requests SET state = 'closed' WHERE name = 'audited' AND number = $1`, [opened[0]]);

  // A fourth branch for the issue that nothing in the database explains.
  await git(dir, 'branch', 'globallm/issue-1-stray', branches[0] ?? 'main');
  assert.equal((await duplicates(db.pool, root, ['audited'])).prs, 1);
});
