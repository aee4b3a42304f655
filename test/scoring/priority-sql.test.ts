import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { CATEGORY_MULTIPLIERS, FALLBACK_SOLVABILITY } from '../../src/scoring/categories.js';
import { DEFAULT_PRIORITY_COLUMNS, prioritySql } from '../../src/scoring/priority-sql.js';
import { DEFAULT_PRIORITY_WEIGHTS } from '../../src/scoring/schema.js';

const NOW = new Date('2026-06-01T00:00:00Z');

function placeholders(sql: string): number[] {
  return [...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
}

describe('prioritySql', () => {
  test('every placeholder has a value, numbered from firstParam', () => {
    const { sql, params } = prioritySql(NOW, DEFAULT_PRIORITY_WEIGHTS, DEFAULT_PRIORITY_COLUMNS, 3);
    const used = new Set(placeholders(sql));
    assert.equal(used.size, params.length);
    assert.equal(Math.min(...used), 3);
    assert.equal(Math.max(...used), 3 + params.length - 1);
  });

  test('weights, multipliers and now travel as parameters, not text', () => {
    const a = prioritySql(NOW);
    const b = prioritySql(new Date('2030-01-01T00:00:00Z'), { health: 9, impact: 8, solvability: 7, urgency: 6 });
    assert.equal(a.sql, b.sql);
    assert.notDeepEqual(a.params, b.params);
    assert.ok(a.params.includes(NOW.toISOString()));
    for (const w of Object.values(DEFAULT_PRIORITY_WEIGHTS)) assert.ok(a.params.includes(w));
    for (const m of Object.values(CATEGORY_MULTIPLIERS)) assert.ok(a.params.includes(m));
    for (const s of Object.values(FALLBACK_SOLVABILITY)) assert.ok(a.params.includes(s));
  });

  test('columns are quoted and may be qualified', () => {
    const { sql } = prioritySql(NOW, DEFAULT_PRIORITY_WEIGHTS, { ...DEFAULT_PRIORITY_COLUMNS, repoHealth: 'r.health' });
    assert.match(sql, /"r"\."health"/);
    assert.match(sql, /"created_at"/);
  });

  test('rejects column names that are not plain identifiers', () => {
    for (const bad of ['health; DROP TABLE issues', 'a.b.c', '"x"', 'Health', '']) {
      assert.throws(() => prioritySql(NOW, DEFAULT_PRIORITY_WEIGHTS, { ...DEFAULT_PRIORITY_COLUMNS, comments: bad }), UsageError, bad);
    }
  });

  test('rejects non-finite weights, a bad now and a bad firstParam', () => {
    assert.throws(() => prioritySql(NOW, { ...DEFAULT_PRIORITY_WEIGHTS, impact: Number.NaN }), UsageError);
    assert.throws(() => prioritySql(new Date('nope')), UsageError);
    assert.throws(() => prioritySql(NOW, DEFAULT_PRIORITY_WEIGHTS, DEFAULT_PRIORITY_COLUMNS, 0), UsageError);
  });

  test('parentheses balance', () => {
    const { sql } = prioritySql(NOW);
    let depth = 0;
    for (const ch of sql) {
      depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
      assert.ok(depth >= 0);
    }
    assert.equal(depth, 0);
  });
});
