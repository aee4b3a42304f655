import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyStep, type ApplyStepResult } from '../../../src/fix/pipeline/apply-step.js';
import type { CandidateOutcome, GeneratedCandidate } from '../../../src/fix/schema.js';

const USAGE = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
const CALC = 'def add(a, b):\n    return a - b\n';

function candidate(over: Partial<GeneratedCandidate> = {}): GeneratedCandidate {
  return { index: 0, explanation: 'e', edits: [], refusedPaths: [], repaired: false, error: null, model: 'm', usage: USAGE, ...over };
}

function finished(r: ApplyStepResult): CandidateOutcome {
  assert.ok('finished' in r, 'expected a finished outcome');
  return r.finished;
}

describe('applyStep', () => {
  let worktree: string;
  before(async () => {
    worktree = await mkdtemp(path.join(tmpdir(), 'apply-step-'));
    await writeFile(path.join(worktree, 'calc.py'), CALC);
    await mkdir(path.join(worktree, 'real'));
    await writeFile(path.join(worktree, 'real', 'x.py'), 'x = 1\n');
    await symlink('real', path.join(worktree, 'linked'));
  });
  after(async () => { await rm(worktree, { recursive: true, force: true }); });

  test('edits that apply give their changes and diff; the worktree itself is not written', async () => {
    const r = await applyStep(worktree, candidate({ edits: [
      { path: 'calc.py', search: 'def add(a, b):\n    return a - b\n', replace: 'def add(a, b):\n    return a + b\n' },
      { path: 'tests/test_new.py', newFile: 'import calc\n' },
    ] }));
    assert.ok('applied' in r);
    assert.deepEqual(r.applied.edits.map((e) => [e.path, e.kind, e.status]), [['calc.py', 'search_replace', 'exact'], ['tests/test_new.py', 'new_file', 'created']]);
    assert.deepEqual(r.applied.changes.map((c) => c.path), ['calc.py', 'tests/test_new.py']);
    assert.match(r.applied.diff, /^\+    return a \+ b$/m);
    assert.equal(r.applied.symlinks.size, 0);
    assert.equal(await readFile(path.join(worktree, 'calc.py'), 'utf8'), CALC);
  });

  test('a path through a symlinked folder is reported as a symlink, not read through it', async () => {
    const r = await applyStep(worktree, candidate({ edits: [{ path: 'linked/x.py', newFile: 'x = 2\n' }] }));
    assert.ok('applied' in r);
    assert.deepEqual([...r.applied.symlinks], ['linked/x.py']);
  });

  test('an edit that does not apply finishes the candidate as apply_failed, naming the file', async () => {
    const out = finished(await applyStep(worktree, candidate({ edits: [
      { path: 'calc.py', search: 'def add(a, b):\n    return a - b\n', replace: 'def add(a, b):\n    return a + b\n' },
      { path: 'calc.py', search: 'nothing like this\n', replace: 'x\n' },
    ] })));
    assert.equal(out.status, 'apply_failed');
    assert.deepEqual(out.edits.map((e) => e.status), ['exact', 'failed']);
    assert.equal(out.applyFailures.length, 1);
    assert.match(out.applyFailures[0] ?? '', /^calc\.py: search block not found/);
    assert.equal(out.diff, '');
  });

  test('an edit to a missing file fails to apply', async () => {
    const out = finished(await applyStep(worktree, candidate({ edits: [{ path: 'nope.py', search: 'a\n', replace: 'b\n' }] })));
    assert.equal(out.status, 'apply_failed');
    assert.match(out.applyFailures[0] ?? '', /^nope\.py: /);
  });

  test('a candidate without edits finishes as invalid_output, refused or empty', async () => {
    assert.equal(finished(await applyStep(worktree, candidate({ error: 'model edits failed validation', explanation: null }))).status, 'invalid_output');
    const refused = finished(await applyStep(worktree, candidate({ refusedPaths: [{ path: '/etc/passwd', reason: 'path outside the repository' }] })));
    assert.equal(refused.status, 'refused');
    assert.deepEqual(refused.refused.map((r) => r.path), ['/etc/passwd']);
    const empty = finished(await applyStep(worktree, candidate()));
    assert.equal(empty.status, 'empty');
    assert.equal(empty.error, null);
  });
});
