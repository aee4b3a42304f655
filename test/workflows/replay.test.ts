import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { projectRoot } from '../../src/util/project-root.js';
import { workflowBundle } from '../../src/workers/bundle.js';

const dir = join(projectRoot, 'test', 'fixtures', 'histories');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

test('histories of real runs replay through the current workflow code without nondeterminism', async () => {
  assert.ok(fixtures.length >= 4, 'the recorded histories are present (scripts/record-histories.ts)');
  const histories = fixtures.map((f) => {
    const raw = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { workflowId: string; history: unknown };
    return { workflowId: raw.workflowId, history: historyFromJSON(raw.history) };
  });
  const results = Worker.runReplayHistories({ workflowBundle: await workflowBundle(), replayName: 'fixtures' }, histories);
  const seen: string[] = [];
  for await (const r of results) {
    seen.push(r.workflowId);
    assert.equal(r.error, undefined, `${r.workflowId}: ${String(r.error)}`);
  }
  assert.deepEqual(seen.sort(), histories.map((h) => h.workflowId).sort());
});
