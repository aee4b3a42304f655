import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { unifiedDiff } from '../../../src/fix/edits/apply.js';
import type { AppliedCandidate } from '../../../src/fix/pipeline/apply-step.js';
import { guardStep } from '../../../src/fix/pipeline/guard-step.js';
import type { GeneratedCandidate } from '../../../src/fix/schema.js';

const USAGE = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 };

function candidate(over: Partial<GeneratedCandidate> = {}): GeneratedCandidate {
  return { index: 2, explanation: 'fix add', edits: [{ path: 'calc.py', search: 'a - b', replace: 'a + b' }], refusedPaths: [], repaired: true, error: null, model: 'm', usage: USAGE, ...over };
}

function applied(changes: AppliedCandidate['changes'], over: Partial<AppliedCandidate> = {}): AppliedCandidate {
  return { candidate: candidate(), edits: changes.map((c) => ({ path: c.path, kind: 'search_replace' as const, status: 'exact' })), changes, diff: unifiedDiff(changes), symlinks: new Set(), ...over };
}

const CALC = { path: 'calc.py', before: 'def add(a, b):\n    return a - b\n', after: 'def add(a, b):\n    return a + b\n' };

describe('guardStep', () => {
  test('a harmless change leaves as applied, with its diff and the count of changed lines', () => {
    const out = guardStep(applied([CALC]));
    assert.equal(out.status, 'applied');
    assert.equal(out.index, 2);
    assert.equal(out.explanation, 'fix add');
    assert.equal(out.repaired, true);
    assert.match(out.diff, /^\+    return a \+ b$/m);
    assert.equal(out.changedLines, 2, 'one line removed, one added; file headers not counted');
    assert.deepEqual(out.refused, []);
    assert.deepEqual(out.edits, [{ path: 'calc.py', kind: 'search_replace', status: 'exact' }]);
    assert.equal(out.validation, null);
    assert.equal(out.verdict, null);
  });

  test('one change to CI refuses the whole candidate: nothing of it is kept to apply', () => {
    const out = guardStep(applied([CALC, { path: '.github/workflows/ci.yml', before: 'on: push\n', after: 'on: push\njobs: {}\n' }]));
    assert.equal(out.status, 'refused');
    assert.equal(out.diff, '');
    assert.equal(out.changedLines, 0);
    assert.deepEqual(out.refused.map((r) => r.path), ['.github/workflows/ci.yml']);
    assert.match(out.refused[0]?.reason ?? '', /CI/);
    assert.equal(out.edits.length, 2, 'the edit summary is kept for the record');
  });

  test('a change through a symlink is refused', () => {
    const out = guardStep(applied([CALC], { symlinks: new Set(['calc.py']) }));
    assert.equal(out.status, 'refused');
    assert.deepEqual(out.refused.map((r) => r.path), ['calc.py']);
  });

  test('paths refused before applying still refuse the candidate, even when the rest is harmless', () => {
    const out = guardStep(applied([CALC], { candidate: candidate({ refusedPaths: [{ path: '../x.py', reason: 'path outside the repository: leaves the tree' }] }) }));
    assert.equal(out.status, 'refused');
    assert.deepEqual(out.refused, [{ path: '../x.py', reason: 'path outside the repository: leaves the tree' }]);
  });

  test('edits that changed nothing leave as empty', () => {
    const out = guardStep(applied([]));
    assert.equal(out.status, 'empty');
    assert.equal(out.diff, '');
  });
});
