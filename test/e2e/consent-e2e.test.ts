import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { startCampaign } from '../../src/campaign/start.js';
import { createExampleRepos } from '../../src/examples/create.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { testTemporalAddress } from '../helpers/temporal.js';
import { startTestWorkers } from '../helpers/workers.js';

const run = promisify(execFile);
let db: TestDatabase;
let dir: string;
let workers: Awaited<ReturnType<typeof startTestWorkers>>;
let connection: Connection;
let client: Client;

/** Commits a `.globallm.yml` to a local-forge repository (the gate reads the default branch). */
async function commitConsentFile(repo: string, text: string): Promise<void> {
  await writeFile(join(repo, '.globallm.yml'), text);
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: repo, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'M', GIT_AUTHOR_EMAIL: 'm@example.org', GIT_COMMITTER_NAME: 'M', GIT_COMMITTER_EMAIL: 'm@example.org' };
  await run('git', ['add', '--', '.globallm.yml'], { cwd: repo, env });
  await run('git', ['commit', '--quiet', '-m', 'Add .globallm.yml'], { cwd: repo, env });
}

before(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'globallm-consent-'));
  await createExampleRepos(join(dir, 'repos'));
  await commitConsentFile(join(dir, 'repos', 'slugkit'), 'enabled: true\ncategories: [bug, critical_bug]\n');
  await commitConsentFile(join(dir, 'repos', 'bytefmt'), 'categories: [documentation]\nlabels: [ai-assisted]\n');
  workers = await startTestWorkers(db.pool, { GLOBALLM_STATE_DIR: join(dir, 'state'), GLOBALLM_LOCAL_ROOT: join(dir, 'repos'), GLOBALLM_CACHE_DIR: join(dir, 'cache') });
  connection = await Connection.connect({ address: testTemporalAddress() });
  client = new Client({ connection });
});
after(async () => {
  await workers.shutdown();
  await connection.close();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

test(".globallm.yml reaches the gate: a malformed file is a recorded refusal, the category allow-list is applied", async () => {
  const started = await startCampaign(client, { id: `consent-${Date.now()}`, forge: 'local', minStars: 0, maxRepos: 10, maxIssues: 10, analyzer: 'offline', dryRun: true }, { taskQueuePrefix: workers.prefix });
  const progress = await started.result();
  let runs: Array<{ workflow_id: string; result: string; reason: string | null }> = [];
  for (let i = 0; i < 400 && runs.length < progress.enqueued; i++) {
    runs = (await db.pool.query<{ workflow_id: string; result: string; reason: string | null }>(
      `SELECT workflow_id, result, detail->>'reason' AS reason FROM issue_runs WHERE campaign = $1 ORDER BY workflow_id`, [started.id])).rows;
    if (runs.length < progress.enqueued) await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(runs.length, progress.enqueued, JSON.stringify(runs));
  const slug = runs.filter((r) => r.workflow_id.startsWith('issue/local/slugkit/'));
  const bytes = runs.filter((r) => r.workflow_id.startsWith('issue/local/bytefmt/'));
  assert.ok(slug.length > 0 && bytes.length > 0, JSON.stringify(runs));
  for (const r of slug) {
    assert.equal(r.result, 'skipped', JSON.stringify(r));
    assert.match(r.reason ?? '', /^consent_file_invalid: invalid consent file: categories\.1/, 'an unknown category in the list is refused, not ignored');
  }
  for (const r of bytes) {
    assert.equal(r.result, 'skipped', JSON.stringify(r));
    assert.match(r.reason ?? '', /^category_not_allowed: category (bug|question) is not in the consent file's list/);
  }
  const decisions = await db.pool.query<{ name: string; allowed: boolean; reason: string; source: string | null; issue_number: number | null }>(
    `SELECT name, allowed, reason, source, issue_number FROM consent_decisions WHERE owner = 'local' ORDER BY name, issue_number`);
  assert.ok(decisions.rows.length >= runs.length, JSON.stringify(decisions.rows));
  for (const d of decisions.rows) {
    assert.equal(d.allowed, false);
    assert.equal(d.source, '.globallm.yml', 'recorded with the file that decided');
    assert.equal(d.reason, d.name === 'slugkit' ? 'consent_file_invalid' : 'category_not_allowed');
  }
  for (const id of ['repo/local/slugkit', 'repo/local/bytefmt']) await client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
});
