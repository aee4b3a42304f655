import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openPullRequest, type ContributeDeps } from '../../../src/contribute/contribute.js';
import { LocalForgeWriter } from '../../../src/forge/local/writer.js';
import { runCli } from '../../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { createTypoRepo, typoFix } from '../../helpers/local-typo-repo.js';

// `prs close` on an issue whose newer PR replaced an older one whose close is still owed: both closed, each recorded as ours.

let db: TestDatabase;
let root: string;
const ref = { owner: 'local', name: 'demo' };

before(async () => {
  db = await createTestDatabase();
  root = await mkdtemp(path.join(tmpdir(), 'prs-close-'));
  await createTypoRepo(root, 'demo');
});
after(async () => {
  await db.drop();
  await rm(root, { recursive: true, force: true });
});

test('prs close closes our open PR and an older one a newer fix replaced whose close is still owed; a second call finds none', async () => {
  const deps: ContributeDeps = { pool: db.pool, forge: new LocalForgeWriter({ pool: db.pool, root }), caps: { maxOpenPrsPerRepo: 3, maxOpenPrsPerOwner: 5, requireOptIn: false } };
  const first = await openPullRequest(deps, typoFix('demo', '# Demo\n'));
  const second = await openPullRequest(deps, typoFix('demo', '# The demo\n'));
  if (first.status !== 'opened' || second.status !== 'opened') throw new Error(`${first.status} ${second.status}`);
  // As if the close of the first had failed: open again on the forge and on record.
  await deps.forge.updatePullRequest(ref, first.pull.number, { state: 'open' });
  await db.pool.query(`UPDATE pull_requests SET state = 'draft' WHERE name = 'demo' AND number = $1`, [first.pull.number]);
  await db.pool.query(`DELETE FROM outcomes WHERE pull_request_id = (SELECT id FROM pull_requests WHERE name = 'demo' AND number = $1)`, [first.pull.number]);

  const env = { DATABASE_URL: db.url, GLOBALLM_LOCAL_ROOT: root };
  const closed = await runCli(['prs', 'close', 'local/demo#1'], env);
  assert.equal(closed.code, 0, closed.stderr);
  assert.equal(closed.stdout.trim(), `closed local PR #${first.pull.number}, #${second.pull.number} for local/demo#1`);
  const rows = (await db.pool.query<{ number: number; state: string; outcomes: string[] }>(
    `SELECT p.number, p.state, array(SELECT o.detail->>'by' FROM outcomes o WHERE o.pull_request_id = p.id AND o.kind = 'withdrawn') AS outcomes
       FROM pull_requests p WHERE name = 'demo' ORDER BY p.number`)).rows;
  assert.deepEqual(rows, [
    { number: first.pull.number, state: 'closed', outcomes: ['operator'] },
    { number: second.pull.number, state: 'closed', outcomes: ['operator'] },
  ]);
  const local = (await db.pool.query<{ state: string }>(`SELECT state FROM local_pull_requests WHERE name = 'demo' ORDER BY number`)).rows.map((r) => r.state);
  assert.deepEqual(local, ['closed', 'closed']);

  const again = await runCli(['prs', 'close', 'local/demo#1'], env);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /no open pull request recorded for local\/demo#1/);
});
