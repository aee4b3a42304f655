import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { duplicates } from '../../bench/chaos/audit.js';
import { openPullRequest, type ContributeDeps } from '../../src/contribute/contribute.js';
import { LocalForgeWriter } from '../../src/forge/local/writer.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { git } from '../helpers/forge-write.js';
import { createTypoRepo, typoFix } from '../helpers/local-typo-repo.js';

// The benchmarks' duplicate audit: a newer fix of ours that replaced an earlier PR is not a
// duplicate; a second PR for an issue with nothing recorded, or a replaced PR still open, is.

let db: TestDatabase;
let root: string;

before(async () => {
  db = await createTestDatabase();
  root = await mkdtemp(path.join(tmpdir(), 'chaos-audit-'));
  await createTypoRepo(root, 'audited');
});
after(async () => {
  await db.drop();
  await rm(root, { recursive: true, force: true });
});

test('replacements by newer fixes are not duplicates; an unrecorded second branch and a replaced PR left open are', async () => {
  const deps: ContributeDeps = { pool: db.pool, forge: new LocalForgeWriter({ pool: db.pool, root }), caps: { maxOpenPrsPerRepo: 3, maxOpenPrsPerOwner: 5, requireOptIn: false } };
  const opened: number[] = [];
  for (const text of ['# Audited\n', '# The audited\n', '# Audited, fixed\n']) {
    const r = await openPullRequest(deps, typoFix('audited', text));
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
