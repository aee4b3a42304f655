import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCampaign } from '../../src/campaign/start.js';
import { runCli } from '../helpers/cli.js';
import { startExampleWorld, type ExampleWorld } from '../helpers/example-world.js';

let world: ExampleWorld;

before(async () => {
  world = await startExampleWorld([]);
});
after(() => world.close());

test('--min-health rejects the repositories under it, counted per filter, and the campaign still ends', async () => {
  const started = await startCampaign(world.client, { id: `min-health-${Date.now()}`, forge: 'local', minStars: 0, minHealth: 1, maxRepos: 10, maxIssues: 10, analyzer: 'offline', dryRun: true }, { taskQueuePrefix: world.workers.prefix });
  const final = await started.result();
  assert.equal(final.repos, 0, JSON.stringify(final));
  assert.equal(final.rejectedBy['health'], 2, JSON.stringify(final.rejectedBy));
  assert.match(final.notes.join(' '), /health/);
  const rows = (await world.db.pool.query<{ name: string; status: string }>(`SELECT name, status FROM repositories WHERE forge = 'local' ORDER BY name`)).rows;
  assert.deepEqual(rows.map((r) => r.status), ['rejected', 'rejected'], JSON.stringify(rows));
});

test('--min-health outside 0–1 is refused before anything starts', async () => {
  const r = await runCli(['campaign', 'start', '--forge', 'local', '--min-health', '1.5'], { TEMPORAL_ADDRESS: '127.0.0.1:1' }, { timeoutMs: 30_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /minHealth/);
});
