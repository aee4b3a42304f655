// Task-queue names are built in one place: `<prefix>-<kind>`, and read back to their prefix.
// Bad input: a name of another kind, or of no kind, is returned unchanged rather than cut.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TASK_QUEUE_KINDS, taskQueue, taskQueuePrefixOf, taskQueues } from '../../src/temporal/task-queues.js';

describe('task-queue names', () => {
  test('each kind is the prefix, a hyphen and the kind', () => {
    assert.deepEqual(taskQueues('globallm'), { core: 'globallm-core', github: 'globallm-github', llm: 'globallm-llm', sandbox: 'globallm-sandbox' });
    assert.deepEqual(TASK_QUEUE_KINDS.map((k) => taskQueue('t-1', k)), ['t-1-core', 't-1-github', 't-1-llm', 't-1-sandbox']);
  });

  test('a name reads back to the prefix it was built with, hyphens in the prefix kept', () => {
    for (const kind of TASK_QUEUE_KINDS) assert.equal(taskQueuePrefixOf(taskQueue('my-core-team', kind), kind), 'my-core-team');
  });

  test('a name of another kind, or of none, is not cut', () => {
    assert.equal(taskQueuePrefixOf('globallm-github', 'core'), 'globallm-github');
    assert.equal(taskQueuePrefixOf('globallm', 'core'), 'globallm');
    assert.equal(taskQueuePrefixOf('globallmcore', 'core'), 'globallmcore');
    assert.equal(taskQueuePrefixOf('', 'core'), '');
  });
});
