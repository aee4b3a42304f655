import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MemoryTokenBudget } from '../../../src/budget/memory-budget.js';
import { BudgetExhausted } from '../../../src/errors.js';
import { generateStep, produceCandidate, type GenerateStepInput } from '../../../src/fix/pipeline/generate-step.js';
import type { GeneratedCandidate } from '../../../src/fix/schema.js';
import { fix, GOOD_FIX, ISSUE, PY_BUGGY, world, type World } from '../../helpers/fix-pipeline.js';

const WRONG = [{ path: 'calc.py', search: 'def add(a, b):\n    return a * b\n', replace: 'x\n' }];

describe('the generate step against the LLM stand-in', () => {
  let w: World;
  let worktree: string;
  before(async () => {
    w = await world();
    worktree = await w.repo();
  });
  after(async () => { await w.close(); });
  beforeEach(() => w.sim.setScript([]));

  function input(over: Partial<GenerateStepInput> = {}): GenerateStepInput {
    return {
      model: { llm: w.deps.llm, budget: w.budget, scopes: { repo: 'acme/calc' } },
      worktree, issue: ISSUE, sources: [{ path: 'calc.py', text: PY_BUGGY['calc.py'] ?? '' }], testCommand: ['make', 'test'],
      options: { candidates: 1, issueTokens: 2000, maxOutputTokens: 4096 }, ...over,
    };
  }

  test('edits that apply come back as the candidate, with one call charged and no repair', async () => {
    w.sim.setScript([fix('fix', GOOD_FIX)]);
    const before = w.sim.calls.length;
    const c = await produceCandidate(input(), 0);
    assert.equal(w.sim.calls.length - before, 1);
    assert.equal(c.index, 0);
    assert.equal(c.explanation, 'fix from fix');
    assert.deepEqual(c.edits, GOOD_FIX);
    assert.equal(c.repaired, false);
    assert.equal(c.error, null);
    assert.equal(c.model, 'gpt-4.1-mini');
    assert.ok(c.usage.inputTokens > 0);
    assert.match(JSON.stringify(w.sim.calls.at(-1)?.body), /make test/, 'the test command is shown to the model');
    assert.equal(await readFile(path.join(worktree, 'calc.py'), 'utf8'), PY_BUGGY['calc.py'], 'the worktree is not written');
  });

  test('edits that do not apply go back once; the repaired answer becomes the candidate', async () => {
    w.sim.setScript([fix('always-wrong', WRONG)]);
    const before = w.sim.calls.length;
    const c = await produceCandidate(input(), 0);
    assert.equal(w.sim.calls.length - before, 2, 'generate and one repair, never more');
    assert.equal(c.repaired, true);
    assert.deepEqual(c.edits, WRONG);
    assert.equal(c.error, null, 'the repair answered with edits: the apply step judges them');
  });

  test('a repair answer that is not an edit list keeps the first edits and records why', async () => {
    w.sim.setScript([
      { id: 'junk-repair', match: { tool: 'propose_fix', contains: 'did not apply' }, respond: { toolUse: { name: 'propose_fix', input: { explanation: 'x' } } } },
      fix('first', WRONG),
    ]);
    const c = await produceCandidate(input(), 0);
    assert.equal(c.repaired, true);
    assert.deepEqual(c.edits, WRONG);
    assert.equal(c.explanation, 'fix from first');
    assert.match(c.error ?? '', /^repair failed: model edits failed validation/);
    assert.deepEqual(w.sim.unusedRules(), []);
  });

  test('output that is not an edit list is recorded as the candidate error, with the call still counted', async () => {
    w.sim.setScript([{ id: 'junk', match: { tool: 'propose_fix' }, respond: { toolUse: { name: 'propose_fix', input: { explanation: 'x', edits: [] } } } }]);
    const c = await produceCandidate(input(), 1);
    assert.equal(c.index, 1);
    assert.match(c.error ?? '', /model edits failed validation/);
    assert.deepEqual(c.edits, []);
    assert.equal(c.explanation, null);
    assert.equal(c.model, 'gpt-4.1-mini');
    assert.ok(c.usage.inputTokens > 0);
  });

  test('edits that all leave the repository are refused paths, not an error', async () => {
    w.sim.setScript([fix('escape', [{ path: '../outside.py', newFile: 'x\n' }])]);
    const c = await produceCandidate(input(), 0);
    assert.deepEqual(c.edits, []);
    assert.equal(c.error, null);
    assert.deepEqual(c.refusedPaths.map((r) => r.path), ['../outside.py']);
  });

  test('a budget that cannot pay for the call fails the step rather than the candidate', async () => {
    const c = produceCandidate(input({ model: { llm: w.deps.llm, budget: new MemoryTokenBudget(10), scopes: { repo: 'acme/calc' } } }), 0);
    await assert.rejects(c, BudgetExhausted);
  });

  test('only candidates not yet made are asked for, in order, each reported as it comes', async () => {
    w.sim.setScript([fix('fix', GOOD_FIX)]);
    const done: GeneratedCandidate[] = [{ index: 1, explanation: 'kept', edits: [], refusedPaths: [], repaired: false, error: null, model: null, usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 } }];
    const reported: number[] = [];
    const before = w.sim.calls.length;
    await generateStep(input({ options: { candidates: 3, issueTokens: 2000, maxOutputTokens: 4096 } }), done, (c) => reported.push(c.index));
    assert.deepEqual(reported, [0, 2]);
    assert.equal(w.sim.calls.length - before, 2);
  });

  test('a cancelled step asks the model nothing more', async () => {
    const ac = new AbortController();
    ac.abort();
    const before = w.sim.calls.length;
    await assert.rejects(generateStep(input({ model: { llm: w.deps.llm, budget: w.budget, scopes: { repo: 'acme/calc' }, signal: ac.signal } }), [], () => assert.fail('no candidate')), { name: 'AbortError' });
    assert.equal(w.sim.calls.length, before);
  });
});
