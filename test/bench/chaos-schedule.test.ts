import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChaosArgs } from '../../bench/chaos/args.js';
import { faultSchedule, KILL_TARGETS, LAST_FAULT_AT } from '../../bench/chaos/schedule.js';
import { changed, recovered, resumed, type PendingActivity } from '../../bench/chaos/observe.js';

const plan = { kills: 20, pgRestarts: 2, temporalRestarts: 1, slots: 2 };

test('a seed reproduces the same fault schedule; another seed gives another', () => {
  assert.deepEqual(faultSchedule({ seed: 7, ...plan }), faultSchedule({ seed: 7, ...plan }));
  assert.notDeepEqual(faultSchedule({ seed: 7, ...plan }), faultSchedule({ seed: 8, ...plan }));
});

test('the schedule holds every kill and restart asked for, kills aimed at every target, a kill first', () => {
  const s = faultSchedule({ seed: 1, ...plan });
  assert.equal(s.filter((f) => f.kind === 'kill').length, 20);
  assert.equal(s.filter((f) => f.kind === 'pg_restart').length, 2);
  assert.equal(s.filter((f) => f.kind === 'temporal_restart').length, 1);
  assert.equal(s[0]?.kind, 'kill');
  const aimed = new Set(s.flatMap((f) => (f.kind === 'kill' ? [f.target] : [])));
  assert.deepEqual([...aimed].sort(), [...KILL_TARGETS].sort());
  for (const f of s) if (f.kind === 'kill') assert.ok(f.slot === 0 || f.slot === 1);
  assert.deepEqual(faultSchedule({ seed: 1, kills: 0, pgRestarts: 0, temporalRestarts: 0, slots: 2 }), []);
});

test('faults are due by progress: the first at once, in order, the last before the campaign ends', () => {
  const s = faultSchedule({ seed: 3, ...plan, repoDeletes: 1 });
  assert.equal(s.filter((f) => f.kind === 'repo_delete').length, 1);
  assert.equal(s[0]?.atShare, 0);
  assert.equal(s.at(-1)?.atShare, LAST_FAULT_AT);
  assert.ok(LAST_FAULT_AT < 1, 'every fault is due while issues are still running');
  for (let i = 1; i < s.length; i++) assert.ok((s[i]?.atShare ?? 0) > (s[i - 1]?.atShare ?? 1), `fault ${i} is due after fault ${i - 1}`);
  assert.deepEqual(faultSchedule({ seed: 3, kills: 1, pgRestarts: 0, temporalRestarts: 0, slots: 2 }).map((f) => f.atShare), [0]);
});

test('bad flags are refused, naming the flag', () => {
  assert.deepEqual(parseChaosArgs([]), { forge: 'github', kills: 20, seed: 1, issues: 50, pgRestarts: 2, temporalRestarts: 1, timeoutS: 3600, keep: false, temporal: 'dev' });
  assert.equal(parseChaosArgs(['--kills', '3', '--seed', '9']).kills, 3);
  assert.throws(() => parseChaosArgs(['--kills', '-1']), /--kills/);
  assert.throws(() => parseChaosArgs(['--seed', 'abc']), /--seed/);
  assert.throws(() => parseChaosArgs(['--issues', '0']), /--issues/);
  assert.throws(() => parseChaosArgs(['--timeout-s', '5']), /--timeout-s/);
  assert.throws(() => parseChaosArgs(['--pg-restarts', '1.5']), /--pg-restarts/);
  assert.throws(() => parseChaosArgs(['--kill', '3']), /Unknown option/);
  assert.equal(parseChaosArgs(['--forge', 'local']).forge, 'local');
  assert.throws(() => parseChaosArgs(['--forge', 'gitlab']), /--forge/);
  assert.throws(() => parseChaosArgs(['extra']), /positional/);
});

const a = (over: Partial<PendingActivity>): PendingActivity => ({ workflowId: 'w', activityId: '1', type: 'validateFix', attempt: 1, started: true, worker: 'dead', ...over });

test('an activity a dead worker held is taken back once finished or scheduled again, and resumed once running again', () => {
  const held = [a({})];
  assert.equal(resumed(held, [a({})]), false, 'still shown as started by the dead worker');
  assert.equal(resumed(held, [a({ attempt: 2, started: false, worker: 'dead' })]), false, 'retried but not picked up yet');
  assert.equal(resumed(held, [a({ attempt: 2, worker: 'alive' })]), true);
  assert.equal(resumed(held, []), true);
  assert.equal(resumed([], [a({})]), true);
  assert.equal(recovered(held, [a({})]), false);
  assert.equal(recovered(held, [a({ attempt: 2, started: false })]), true, 'taken back: scheduled again, waiting for a slot');
  assert.equal(recovered(held, []), true);
  assert.equal(changed([a({})], [a({})]), false);
  assert.equal(changed([a({})], [a({ attempt: 2 })]), true);
});
