import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { localizeStep, readSources, type LocalizeStepInput } from '../../../src/fix/pipeline/localize-step.js';
import { buildRepoIndex } from '../../../src/fix/repo-map/build.js';
import { ISSUE, pick, PY_BUGGY, world, type World } from '../../helpers/fix-pipeline.js';

describe('the localize step against the LLM stand-in', () => {
  let w: World;
  let worktree: string;
  let input: LocalizeStepInput;
  before(async () => {
    w = await world();
    worktree = await w.repo();
    input = {
      model: { llm: w.deps.llm, budget: w.budget, scopes: { repo: 'acme/calc' } },
      worktree, issue: ISSUE, index: await buildRepoIndex(worktree),
      options: { mapTokens: 2048, issueTokens: 2000, maxFiles: 6 },
    };
  });
  after(async () => { await w.close(); });
  beforeEach(() => w.sim.setScript([]));

  test('the model picks from the ranked map; unreadable picks are rejected; one call is charged', async () => {
    w.sim.setScript([pick(['calc.py', 'does/not/exist.py'])]);
    const before = w.sim.calls.length;
    const localized = await localizeStep(input);
    assert.equal(w.sim.calls.length - before, 1);
    assert.deepEqual(localized.files.map((f) => f.path), ['calc.py']);
    assert.deepEqual(localized.rejected.map((r) => r.path), ['does/not/exist.py']);
    assert.equal(localized.model, 'gpt-4.1-mini');
    assert.ok(localized.usage.inputTokens > 0);
    assert.match(JSON.stringify(w.sim.calls.at(-1)?.body), /calc\.py/, 'the repo map went to the model');
  });

  test('readSources gives the files in full, leaving out any no longer readable', async () => {
    const sources = await readSources(worktree, [{ path: 'calc.py', symbols: [], reason: 'r' }, { path: 'gone.py', symbols: [], reason: 'r' }, { path: '../escape.py', symbols: [], reason: 'r' }]);
    assert.deepEqual(sources, [{ path: 'calc.py', text: PY_BUGGY['calc.py'] }]);
  });

  test('a worktree that has gone fails the step', async () => {
    const gone = await w.repo();
    await rm(path.join(gone), { recursive: true, force: true });
    w.sim.setScript([pick(['calc.py'])]);
    await assert.rejects(localizeStep({ ...input, worktree: gone }));
  });
});
