import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createCampaignActivities } from '../../src/activities/campaign.js';
import { createGitHubClient } from '../../src/forge/github/client.js';
import { GitHubForgeReader } from '../../src/forge/github/reader.js';
import { runIntake } from '../../src/intake/run.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../src/sim/github/server.js';
import { Clock } from '../../src/sim/github/clock.js';
import { WORLD_AUTHORED_AT } from '../../src/sim/world/seed.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { FakeForge } from '../helpers/fake-forge.js';

const NOW = new Date('2025-06-20T00:00:00Z');

async function approve(db: TestDatabase, owner: string, name: string): Promise<void> {
  await db.pool.query(`INSERT INTO repositories (forge, owner, name, status) VALUES ('github', $1, $2, 'approved')`, [owner, name]);
}

async function states(db: TestDatabase, name: string): Promise<Map<number, { state: string; reason: string | null }>> {
  const res = await db.pool.query<{ number: number; state: string; skip_reason: string | null }>(
    'SELECT i.number, i.state, i.skip_reason FROM issues i JOIN repositories r ON r.id = i.repository_id WHERE r.name = $1 ORDER BY i.number', [name]);
  return new Map(res.rows.map((r) => [r.number, { state: r.state, reason: r.skip_reason }]));
}

describe('issue intake against the GitHub stand-in', () => {
  let db: TestDatabase;
  let gh: GitHubStandIn;
  let forge: GitHubForgeReader;
  before(async () => {
    db = await createTestDatabase();
    gh = await startGitHubStandIn({ clock: Clock.startingAt(Date.parse(WORLD_AUTHORED_AT)) });
    forge = new GitHubForgeReader(createGitHubClient({ baseUrl: gh.url, token: 't', maxInlineWaitSeconds: 0 }));
    await approve(db, 'pyfoundry', 'quickparse');
    await approve(db, 'tsworks', 'typed-fetch');
    await approve(db, 'gone-org', 'deleted');
  });
  after(async () => {
    await gh.close();
    await db.drop();
  });

  test('skips with reasons, keeps the rest, marks vanished repositories gone, in one batched query', async () => {
    gh.resetCounters();
    const s = await runIntake({ pool: db.pool, forge }, { now: NOW });
    assert.equal(gh.counters.graphql_requests, 1);
    assert.equal(s.gone, 1);
    const qp = await states(db, 'quickparse');
    assert.match(qp.get(1)?.reason ?? '', /assigned to @carol/);
    assert.match(qp.get(4)?.reason ?? '', /locked/);
    assert.match(qp.get(5)?.reason ?? '', /claimed by @erin/);
    assert.match(qp.get(6)?.reason ?? '', /open pull request/);
    assert.deepEqual([qp.get(2)?.state, qp.get(3)?.state], ['open', 'open']);
    assert.equal(qp.has(7), false, 'the pull request itself is not taken in');
    assert.equal((await states(db, 'typed-fetch')).size, 2);
    const gone = await db.pool.query<{ status: string }>(`SELECT status FROM repositories WHERE name = 'deleted'`);
    assert.equal(gone.rows[0]?.status, 'gone');
  });

  test('the next run reads only issues updated since the watermark and applies new claims and closures', async () => {
    const repo = gh.world.raw('pyfoundry', 'quickparse');
    assert.ok(repo);
    const feature = repo.issues.find((i) => i.number === 2);
    const docs = repo.issues.find((i) => i.number === 3);
    assert.ok(feature && docs);
    gh.world.addComment(repo, feature, 'dave', "I'll take this one", '2025-06-18T00:00:00Z');
    docs.state = 'closed';
    docs.closedAt = '2025-06-19T00:00:00Z';
    docs.updatedAt = '2025-06-19T00:00:00Z';
    const s = await runIntake({ pool: db.pool, forge }, { now: NOW });
    assert.equal(s.issues, 4, 'quickparse: #6 (at the watermark), #2 and #3; typed-fetch: its latest issue (at its watermark)');
    const qp = await states(db, 'quickparse');
    assert.match(qp.get(2)?.reason ?? '', /claimed by @dave/);
    assert.equal(qp.get(3)?.state, 'closed');
    const wm = await db.pool.query<{ wm: string }>(`SELECT metadata->>'issuesWatermark' AS wm FROM repositories WHERE name = 'quickparse'`);
    assert.equal(wm.rows[0]?.wm, '2025-06-19T00:00:00Z');
  });

  test('work in progress keeps its state on refresh', async () => {
    await db.pool.query(`UPDATE issues SET state = 'claimed' WHERE number = 1 AND repository_id = (SELECT id FROM repositories WHERE name = 'typed-fetch')`);
    await db.pool.query(`UPDATE repositories SET metadata = metadata - 'issuesWatermark' WHERE name = 'typed-fetch'`);
    await runIntake({ pool: db.pool, forge }, { now: NOW, only: ['tsworks/typed-fetch'] });
    assert.equal((await states(db, 'typed-fetch')).get(1)?.state, 'claimed');
  });
});

describe('intake activity', () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => db.drop());

  test('the registered intake activity heartbeats per batch and a retry resumes after the last repository done', async () => {
    const repos = [];
    for (let i = 0; i < 25; i++) {
      await approve(db, 'o', `r${i}`);
      repos.push({ forge: 'github' as const, owner: 'o', repo: `r${i}`, language: null });
    }
    const forge = new FakeForge({});
    const beats: Array<{ cursor: number; done: number }> = [];
    const env = new MockActivityEnvironment();
    // The timer beats too, repeating the latest checkpoint (none before the first batch): each checkpoint counts once.
    env.on('heartbeat', (d: { cursor: number; done: number } | undefined) => { if (d !== undefined && beats.at(-1)?.done !== d.done) beats.push(d); });
    const acts = createCampaignActivities({ pool: db.pool, readerFor: () => forge, now: () => NOW });
    await env.run(acts.campaignIntake, { repos });
    assert.deepEqual(beats.map((b) => b.done), [10, 20, 25]);
    assert.equal(forge.issueCalls.length, 3);
    const resumed = new FakeForge({});
    const env2 = new MockActivityEnvironment({ heartbeatDetails: beats[1] });
    const intake = createCampaignActivities({ pool: db.pool, readerFor: () => resumed, now: () => NOW }).campaignIntake;
    await env2.run(intake, { repos });
    assert.deepEqual(resumed.issueCalls.flat().map((r) => r.ref.name), ['r20', 'r21', 'r22', 'r23', 'r24']);
  });
});
