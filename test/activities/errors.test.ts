import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { classified, toApplicationFailure } from '../../src/activities/errors.js';
import { ConsentDenied, NotFound, RateLimited, Unavailable } from '../../src/errors.js';

describe('activity failures Temporal understands (the one classifier every registered activity uses)', () => {
  test('ConsentDenied and NotFound are final; RateLimited retries after its wait; Unavailable retries', () => {
    const denied = toApplicationFailure(new ConsentDenied('no AI PRs'));
    assert.ok(denied instanceof ApplicationFailure);
    assert.equal(denied.nonRetryable, true);
    assert.equal(denied.type, 'ConsentDenied');
    const gone = toApplicationFailure(new NotFound('repo gone'));
    assert.ok(gone.nonRetryable);
    const limited = toApplicationFailure(new RateLimited('budget full', 42_000));
    assert.equal(limited.type, 'GitHubRateLimited');
    assert.equal(limited.nonRetryable, false);
    assert.equal(limited.nextRetryDelay, 42_000);
    assert.equal(toApplicationFailure(new RateLimited('model busy', 5_000), 'other').type, 'RateLimited');
    const down = toApplicationFailure(new Unavailable('502'));
    assert.ok(!down.nonRetryable && down.nextRetryDelay === undefined);
    const wrapped = toApplicationFailure(new Error('unknown'));
    assert.ok(!wrapped.nonRetryable && wrapped.message === 'unknown', 'unknown errors stay retryable under the stage policy');
  });

  test('input that fails validation is final', async () => {
    await assert.rejects(classified(() => Promise.resolve(z.object({ n: z.number() }).parse({ n: 'x' }))),
      (e: unknown) => e instanceof ApplicationFailure && e.nonRetryable && e.type === 'InvalidInput');
  });
});
