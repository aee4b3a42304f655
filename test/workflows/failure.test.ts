import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { failureIsFinal } from '../../src/workflows/failure.js';

// What the issue workflow sees when a stage fails: the activity's ApplicationFailure inside an ActivityFailure.
const fromActivity = (type: string, nonRetryable: boolean): ActivityFailure =>
  new ActivityFailure('activity failed', 'generateFix', '1', RetryState.NON_RETRYABLE_FAILURE, 'worker', ApplicationFailure.create({ type, message: 'x', nonRetryable }));

test('failures caused by the issue itself are final; outages, budgets and malformed model answers are not', () => {
  assert.equal(failureIsFinal(fromActivity('NotFound', true)), true);
  assert.equal(failureIsFinal(fromActivity('InvalidInput', true)), true);
  assert.equal(failureIsFinal(fromActivity('SandboxViolation', true)), true);
  assert.equal(failureIsFinal(fromActivity('Unavailable', false)), false, 'retries of an outage ran out: tried again later');
  assert.equal(failureIsFinal(fromActivity('BudgetExhausted', true)), false);
  assert.equal(failureIsFinal(fromActivity('InvalidModelOutput', true)), false, 'a malformed answer says nothing about the issue');
  assert.equal(failureIsFinal(new Error('plain')), false);
});
