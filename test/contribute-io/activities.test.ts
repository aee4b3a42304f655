import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { createContributeActivities, toActivityFailure } from '../../src/activities/contribute.js';
import { ConsentDenied, NotFound, RateLimited, Unavailable } from '../../src/errors.js';

describe('contribute activities: failures Temporal understands', () => {
  test('ConsentDenied and NotFound are final; RateLimited retries after its wait; Unavailable retries', () => {
    const denied = toActivityFailure(new ConsentDenied('no AI PRs'));
    assert.ok(denied instanceof ApplicationFailure);
    assert.equal(denied.nonRetryable, true);
    assert.equal(denied.type, 'ConsentDenied');
    const gone = toActivityFailure(new NotFound('repo gone'));
    assert.ok(gone instanceof ApplicationFailure && gone.nonRetryable);
    const limited = toActivityFailure(new RateLimited('budget full', 42_000));
    assert.ok(limited instanceof ApplicationFailure);
    assert.equal(limited.nonRetryable, false);
    assert.equal(limited.nextRetryDelay, 42_000);
    const down = toActivityFailure(new Unavailable('502'));
    assert.ok(down instanceof ApplicationFailure && !down.nonRetryable && down.nextRetryDelay === undefined);
    const plain = new Error('unknown');
    const wrapped = toActivityFailure(plain);
    assert.ok(wrapped instanceof ApplicationFailure && !wrapped.nonRetryable && wrapped.message === 'unknown', 'unknown errors stay retryable under the stage policy');
  });

  test('bad activity input is a non-retryable usage failure', async () => {
    const acts = createContributeActivities({ pool: {} as never, forge: {} as never, caps: { maxOpenPrsPerRepo: 1, maxOpenPrsPerOwner: 1, requireOptIn: false } });
    await assert.rejects(acts.checkConsent({ repo: { owner: '../x', name: 'y' } }), (e: unknown) => e instanceof ApplicationFailure && e.nonRetryable && e.type === 'UsageError');
    await assert.rejects(acts.followUpPullRequest({ forge: 'gitlab' as never, repo: { owner: 'a', name: 'b' }, issueNumber: 1 }), (e: unknown) => e instanceof ApplicationFailure && e.nonRetryable);
  });
});
