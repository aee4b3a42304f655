import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { whyNotApplied } from '../../src/activities/issue-stages.js';
import type { CandidateOutcome } from '../../src/fix/schema.js';

const outcome = (over: Partial<CandidateOutcome>): CandidateOutcome => ({
  index: 0, status: 'apply_failed', explanation: null, repaired: false, edits: [], applyFailures: [], refused: [],
  diff: '', changedLines: 0, validation: null, verdict: null, error: null, ...over,
});

describe('why a candidate never reached validation', () => {
  test('names the candidate, its status and its first failure, refusal or error', () => {
    assert.equal(whyNotApplied(outcome({ applyFailures: ['a.py: search block matches more than one place', 'b.py: x'] })), 'candidate 1 apply_failed (a.py: search block matches more than one place)');
    assert.equal(whyNotApplied(outcome({ index: 1, status: 'refused', refused: [{ path: '.github/workflows/ci.yml', reason: 'CI configuration' }] })), 'candidate 2 refused (.github/workflows/ci.yml: CI configuration)');
    assert.equal(whyNotApplied(outcome({ status: 'invalid_output', error: 'no tool call' })), 'candidate 1 invalid_output (no tool call)');
    assert.equal(whyNotApplied(outcome({ status: 'empty' })), 'candidate 1 empty');
  });

  test('a long failure (model output) is cut short', () => {
    const said = whyNotApplied(outcome({ applyFailures: [`x.js: ${'y'.repeat(5000)}`] }));
    assert.ok(said.length < 260, `${said.length} characters`);
  });
});
