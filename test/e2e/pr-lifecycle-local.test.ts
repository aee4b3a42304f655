import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exampleScript, fix, pick } from '../../src/examples/demo-script.js';
import { ISSUES_FILE } from '../../src/forge/local/issues-file.js';
import { LOCAL_NO_AUTO_MERGE } from '../../src/forge/writer.js';
import { startExampleWorld, type ExampleWorld } from '../helpers/example-world.js';
import { followUpResult, outcomeKinds, runIssue, seedIssue } from '../helpers/issue-runs.js';

const run = promisify(execFile);
const QUESTION = 'How do I format bits instead of bytes?';
let world: ExampleWorld;

const gitEnv = (repo: string): NodeJS.ProcessEnv => ({ PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: repo, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'M', GIT_AUTHOR_EMAIL: 'm@example.org', GIT_COMMITTER_NAME: 'M', GIT_COMMITTER_EMAIL: 'm@example.org' });
const repoDir = (name: string): string => join(world.dir, 'repos', name);

before(async () => {
  world = await startExampleWorld([
    ...exampleScript(),
    pick('bits-files', QUESTION, 'README.md'),
    fix('bits-fix', QUESTION, [{ path: 'README.md', search: 'Formats byte counts for people:', replace: 'Formats byte counts (bytes, not bits) for people:' }], 'The README says the unit is bytes.'),
  ], { GLOBALLM_OPEN_UNPROVEN: 'true', GLOBALLM_MAX_OPEN_PRS_PER_REPO: '3', GLOBALLM_MAX_OPEN_PRS_PER_OWNER: '5' });
  const bytefmt = repoDir('bytefmt');
  await writeFile(join(bytefmt, '.globallm.yml'), 'autoMerge: true\n');
  await run('git', ['add', '--', '.globallm.yml'], { cwd: bytefmt, env: gitEnv(bytefmt) });
  await run('git', ['commit', '--quiet', '-m', 'Add .globallm.yml'], { cwd: bytefmt, env: gitEnv(bytefmt) });
  await seedIssue(world.db.pool, { forge: 'local', owner: 'local', name: 'slugkit', number: 1, title: 'slugify leaves repeated dashes', body: "`slugify('Hello,  World!')` returns `hello---world-` in src/slug.js; expected `hello-world`.", category: 'bug' });
  await seedIssue(world.db.pool, { forge: 'local', owner: 'local', name: 'bytefmt', number: 1, title: 'formatBytes(1024) prints 1024 B', body: 'Exactly 1024 bytes should be `1 KiB`, but src/format.js compares with `>` instead of `>=`.', category: 'bug' });
  await seedIssue(world.db.pool, { forge: 'local', owner: 'local', name: 'bytefmt', number: 2, title: QUESTION, category: 'documentation' });
});
after(() => world.close());

test('local forge: an opted-in trivial change stays a draft, and the PR record says the local forge has no auto-merge', async () => {
  const finished = await runIssue(world.client, world.workers.prefix, { forge: 'local', owner: 'local', repo: 'bytefmt', number: 2 });
  assert.equal(finished.outcome, 'pr_opened', JSON.stringify(finished));
  const row = await world.db.pool.query<{ state: string }>(`SELECT state FROM pull_requests WHERE name = 'bytefmt' AND issue_number = 2`);
  assert.equal(row.rows[0]?.state, 'draft');
  const outcomes = await outcomeKinds(world.db.pool, 'local', 'local', 'bytefmt', 2);
  assert.deepEqual(outcomes, [{ kind: 'auto_merge', detail: { state: 'not_enabled', reason: LOCAL_NO_AUTO_MERGE } }]);
  const runRow = await world.db.pool.query<{ auto: string }>(`SELECT detail->'pr'->>'autoMerge' AS auto FROM issue_runs WHERE workflow_id = 'issue/local/bytefmt/2'`);
  assert.equal(runRow.rows[0]?.auto, `not_enabled: ${LOCAL_NO_AUTO_MERGE}`);
});

test('local forge: a PR whose branch a maintainer deleted unmerged bars the issue; a later run is skipped before generating', async () => {
  const ref = { forge: 'local' as const, owner: 'local', repo: 'slugkit', number: 1 };
  const first = await runIssue(world.client, world.workers.prefix, ref);
  assert.equal(first.outcome, 'pr_opened', JSON.stringify(first));
  const pr = (await world.db.pool.query<{ branch: string; number: number }>(`SELECT branch, number FROM pull_requests WHERE name = 'slugkit' AND issue_number = 1`)).rows[0];
  assert.ok(pr);
  await run('git', ['-C', repoDir('slugkit'), 'branch', '-D', pr.branch], { env: gitEnv(repoDir('slugkit')) });
  assert.equal((await followUpResult(world.client, ref)).state, 'closed');
  const declined = await world.db.pool.query<{ pr_number: number }>(`SELECT pr_number FROM declined_issues WHERE forge = 'local' AND name = 'slugkit' AND issue_number = 1`);
  assert.deepEqual(declined.rows, [{ pr_number: pr.number }]);

  const calls = world.sim.calls.length;
  const again = await runIssue(world.client, world.workers.prefix, ref);
  assert.equal(again.outcome, 'skipped');
  assert.match(again.detail ?? '', new RegExp(`^maintainer_closed: a maintainer closed our PR #${pr.number} on `));
  assert.equal(world.sim.calls.length, calls, 'no model call');
  const consent = await world.db.pool.query<{ reason: string }>(`SELECT reason FROM consent_decisions WHERE name = 'slugkit' AND issue_number = 1 ORDER BY id DESC LIMIT 1`);
  assert.equal(consent.rows[0]?.reason, 'maintainer_closed', 'recorded with the repository');
});

test('local forge: our PR whose issue was closed in the issues file is withdrawn, not counted as a maintainer\'s close', async () => {
  const ref = { forge: 'local' as const, owner: 'local', repo: 'bytefmt', number: 1 };
  const first = await runIssue(world.client, world.workers.prefix, ref);
  assert.equal(first.outcome, 'pr_opened', JSON.stringify(first));
  const file = join(repoDir('bytefmt'), ISSUES_FILE);
  const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { number: number; state?: string });
  await writeFile(file, `${lines.map((i) => JSON.stringify(i.number === 1 ? { ...i, state: 'closed' } : i)).join('\n')}\n`);
  assert.equal((await followUpResult(world.client, ref)).state, 'closed');
  const outcomes = await outcomeKinds(world.db.pool, 'local', 'local', 'bytefmt', 1);
  // bytefmt opted in to auto-merge, but a code change is not trivial: recorded first.
  assert.deepEqual(outcomes.map((o) => [o.kind, o.detail['by'] ?? o.detail['state']]), [['auto_merge', 'not_enabled'], ['withdrawn', 'superseded']]);
  assert.match(String(outcomes[1]?.detail['comment']), /^Issue #1 was closed, so this pull request is no longer needed/);
  assert.equal((await world.db.pool.query(`SELECT 1 FROM declined_issues WHERE name = 'bytefmt'`)).rowCount, 0);
  const row = await world.db.pool.query<{ state: string }>(`SELECT state FROM pull_requests WHERE name = 'bytefmt' AND issue_number = 1`);
  assert.equal(row.rows[0]?.state, 'closed');
});
