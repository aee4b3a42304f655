import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkIssueConsent } from '../../src/contribute/issue-consent.js';
import { recordDeclined } from '../../src/db/declined-issues.js';
import { LocalForgeWriter } from '../../src/forge/local/writer.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { git } from '../helpers/forge-write.js';

const CAPS = { maxOpenPrsPerRepo: 3, maxOpenPrsPerOwner: 5, requireOptIn: false };

describe('checkIssueConsent on the local forge', () => {
  let db: TestDatabase;
  let root: string;

  async function repo(name: string, files: Record<string, string>): Promise<void> {
    const dir = path.join(root, name);
    await mkdir(dir, { recursive: true });
    await git(root, 'init', '--quiet', '-b', 'main', dir);
    for (const [rel, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), text);
    }
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '--quiet', '-m', 'init');
  }

  const decisions = async (name: string): Promise<Array<{ allowed: boolean; reason: string; source: string | null }>> =>
    (await db.pool.query<{ allowed: boolean; reason: string; source: string | null }>('SELECT allowed, reason, source FROM consent_decisions WHERE name = $1 ORDER BY decided_at', [name])).rows;

  before(async () => {
    db = await createTestDatabase();
    root = await mkdtemp(path.join(tmpdir(), 'issue-consent-'));
    await repo('welcome', { 'README.md': '# demo\n' });
    await repo('closed', { 'README.md': '# demo\n', '.globallm.yml': 'enabled: false\n' });
  });
  after(async () => {
    await db.drop();
    await rm(root, { recursive: true, force: true });
  });

  test('a repository without rules allows, and the decision is recorded', async () => {
    const forge = new LocalForgeWriter({ pool: db.pool, root });
    const c = await checkIssueConsent({ pool: db.pool, forge, caps: CAPS }, { forge: 'local', owner: 'local', repo: 'welcome', number: 1 });
    assert.ok('outcome' in c);
    assert.equal(c.outcome.decision.allowed, true);
    assert.deepEqual((await decisions('welcome')).map((d) => d.allowed), [true]);
  });

  test('a consent file that opts out refuses, quoting its setting', async () => {
    const forge = new LocalForgeWriter({ pool: db.pool, root });
    const c = await checkIssueConsent({ pool: db.pool, forge, caps: CAPS }, { forge: 'local', owner: 'local', repo: 'closed', number: 1 });
    assert.ok('outcome' in c);
    assert.equal(c.outcome.decision.allowed, false);
    assert.equal(c.outcome.quote, 'enabled: false');
  });

  test('an issue whose PR a maintainer closed is refused for good, and the refusal is recorded with the PR', async () => {
    const forge = new LocalForgeWriter({ pool: db.pool, root });
    await recordDeclined(db.pool, { forge: 'local', repo: { owner: 'local', name: 'welcome' }, issueNumber: 4, prNumber: 9, prUrl: 'file:///pr/9', closedAt: '2025-03-01T00:00:00.000Z' });
    const c = await checkIssueConsent({ pool: db.pool, forge, caps: CAPS }, { forge: 'local', owner: 'local', repo: 'welcome', number: 4 });
    assert.ok('declined' in c);
    assert.match(c.declined, /closed our PR #9 on 2025-03-01 without merging/);
    const last = (await decisions('welcome')).at(-1);
    assert.deepEqual(last, { allowed: false, reason: 'maintainer_closed', source: 'file:///pr/9' });
    // Another issue of the same repository is still decided by the gate.
    const other = await checkIssueConsent({ pool: db.pool, forge, caps: CAPS }, { forge: 'local', owner: 'local', repo: 'welcome', number: 5 });
    assert.ok('outcome' in other);
  });
});
