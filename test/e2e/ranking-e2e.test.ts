import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startCampaign } from '../../src/campaign/start.js';
import { createExampleRepos } from '../../src/examples/create.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { testTemporalAddress } from '../helpers/temporal.js';
import { startTestWorkers } from '../helpers/workers.js';

let db: TestDatabase;
let dir: string;
let workers: Awaited<ReturnType<typeof startTestWorkers>>;
let connection: Connection;
let client: Client;

before(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'globallm-rank-'));
  const now = new Date();
  await createExampleRepos(join(dir, 'repos'), now);
  const created = new Date(now.getTime() - 12 * 86_400_000).toISOString();
  // Two new issues of the same age and engagement: a hard security hole and an easy typo.
  await appendFile(join(dir, 'repos', 'slugkit', '.globallm', 'issues.jsonl'), [
    { number: 5, title: 'Path traversal through slugs used as file names', body: 'A title like "../../etc/passwd" keeps its dots, so callers that write files named by slug escape their folder.', labels: ['bug'], createdAt: created, author: 'kim' },
    { number: 6, title: 'Typo in the package description', body: 'The description says "tittles" instead of "titles".', labels: ['documentation'], createdAt: created, author: 'lee' },
  ].map((i) => `${JSON.stringify(i)}\n`).join(''));
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

test('after intake, analysis and re-rank a security issue ranks above a typo, and the campaign picks it first', async () => {
  const started = await startCampaign(client, { id: `rank-${Date.now()}`, forge: 'local', minStars: 0, maxRepos: 10, maxIssues: 1, analyzer: 'offline', dryRun: true }, { taskQueuePrefix: workers.prefix });
  const progress = await started.result();
  assert.equal(progress.enqueued, 1, JSON.stringify(progress));

  const ranked = await db.pool.query<{ number: number; category: string; critical: boolean; priority: number }>(
    `SELECT i.number, i.category, i.critical, k.priority FROM issue_ranks k JOIN issues i ON i.id = k.issue_id
       JOIN repositories r ON r.id = i.repository_id WHERE r.name = 'slugkit' ORDER BY k.priority DESC`);
  const byNumber = new Map(ranked.rows.map((r) => [r.number, r]));
  const security = byNumber.get(5);
  const typo = byNumber.get(6);
  assert.ok(security && typo, JSON.stringify(ranked.rows));
  assert.deepEqual([security.category, security.critical], ['security', true], 'stored as its own category, critical as a flag');
  assert.equal(typo.category, 'documentation');
  assert.ok(security.priority > typo.priority, `security ${security.priority} > typo ${typo.priority}`);
  assert.equal(ranked.rows[0]?.number, 5, 'the security issue leads its repository');

  // The one issue the campaign selected across both repositories is the security issue.
  const picked = await db.pool.query<{ name: string; number: number }>(
    `SELECT r.name, i.number FROM issues i JOIN repositories r ON r.id = i.repository_id WHERE i.campaign = $1`, [started.id]);
  assert.deepEqual(picked.rows, [{ name: 'slugkit', number: 5 }]);
  for (const id of ['issue/local/slugkit/5', 'repo/local/slugkit']) await client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
});
