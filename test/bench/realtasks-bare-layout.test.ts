import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { outside } from '../../bench/realtasks/bare-layout.js';

describe('outside: a sandbox path rewritten to where the environment lies', () => {
  const map = new Map([['/env/prepared', '/tmp/x/env-root'], ['/env/gocache', '/tmp/x/seed-gocache-1']]);

  test('whole paths, in PATH lists and inside options, are rewritten', () => {
    assert.equal(outside('/env/prepared/venv/bin', map), '/tmp/x/env-root/venv/bin');
    assert.equal(outside('/env/gocache', map), '/tmp/x/seed-gocache-1');
    assert.equal(outside('/env/prepared/gomod:/usr/bin', map), '/tmp/x/env-root/gomod:/usr/bin');
    assert.equal(outside('-Dmaven.repo.local=/env/prepared/m2 -B', map), '-Dmaven.repo.local=/tmp/x/env-root/m2 -B');
  });

  test('a path that only begins like a mapped one is left alone', () => {
    assert.equal(outside('/env/prepared-old/bin', map), '/env/prepared-old/bin');
    assert.equal(outside('/env/gocache2', map), '/env/gocache2');
    assert.equal(outside('off', map), 'off');
    assert.equal(outside('/env/prepared/x', new Map()), '/env/prepared/x');
  });
});
