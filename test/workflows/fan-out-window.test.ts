import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FanOutBacklog, waveSize } from '../../src/workflows/fan-out-window.js';
import type { SelectedRepo } from '../../src/workflows/contracts.js';

const repo = (name: string, issues: Array<[number, number]>, titles = true): SelectedRepo => ({
  forge: 'local', owner: 'o', repo: name, language: 'JavaScript',
  issues: issues.map(([n]) => n), priorities: issues.map(([, p]) => p), ...(titles ? { titles: issues.map(([n]) => `issue ${n}`) } : {}),
});

test('a wave takes the head issue of idle repositories only, the best head first, never more than the room', () => {
  const b = new FanOutBacklog([repo('a', [[1, 0.5], [2, 0.4]]), repo('b', [[7, 0.9]]), repo('c', [[3, 0.7], [4, 0.1]]), repo('d', [])]);
  assert.equal(b.size, 5);
  const first = b.take(2, new Set());
  assert.deepEqual(first.map((d) => [d.repo, d.issues, d.priorities, d.titles]), [['b', [7], [0.9], ['issue 7']], ['c', [3], [0.7], ['issue 3']]]);
  // b and c are busy: only a may go, however large the room.
  const second = b.take(10, new Set(['o/b', 'o/c']));
  assert.deepEqual(second.map((d) => [d.repo, d.issues]), [['a', [1]]]);
  assert.deepEqual(b.take(10, new Set(['o/a', 'o/c'])), []);
  assert.deepEqual(b.take(0, new Set()), []);
  assert.equal(b.size, 2);
  assert.deepEqual(b.keys().sort(), ['o/a#2', 'o/c#4']);
});

test('what is left carries over continue-as-new and takes up where it stopped; the input is not changed', () => {
  const selected = [repo('a', [[1, 0.5], [2, 0.4]], false), repo('b', [[5, 0.5]])];
  const b = new FanOutBacklog(selected);
  assert.deepEqual(b.take(5, new Set()).map((d) => `${d.repo}#${String(d.issues[0])}`), ['a#1', 'b#5'], 'equal heads: by name');
  const again = new FanOutBacklog(JSON.parse(JSON.stringify(b.remaining())) as SelectedRepo[]);
  assert.deepEqual(again.remaining().map((r) => [r.repo, r.issues, r.titles]), [['a', [2], undefined]]);
  assert.deepEqual(again.take(1, new Set()).map((d) => d.issues), [[2]]);
  assert.equal(again.size, 0);
  assert.deepEqual(selected[0]?.issues, [1, 2]);
});

test('a wave goes out once a quarter of the window is free, and always at least one', () => {
  assert.deepEqual([1, 3, 4, 16, 32].map(waveSize), [1, 1, 1, 4, 8]);
});
