import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
/** A SQL statement: keywords in capitals, as every statement of the project is written. */
const STATEMENT = /\b(SELECT\b|INSERT INTO|UPDATE [a-z_]+(?: [a-z]+)? SET|DELETE FROM|WITH )/;
/** Where SQL may live: the PostgreSQL layer, and the stand-ins at the network edge. */
const HOMES = ['db/', 'sim/'];

async function sourceFiles(): Promise<string[]> {
  const entries = await readdir(SRC, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(SRC, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** The files outside the SQL homes that hold a statement, each with its first line that does. */
async function sqlOutsideItsHome(): Promise<string[]> {
  const found: string[] = [];
  for (const file of await sourceFiles()) {
    if (HOMES.some((home) => file.startsWith(home))) continue;
    const lines = (await readFile(path.join(SRC, file), 'utf8')).split('\n');
    const at = lines.findIndex((line) => STATEMENT.test(line));
    if (at >= 0) found.push(`src/${file}:${at + 1}: ${lines[at]?.trim().slice(0, 100) ?? ''}`);
  }
  return found;
}

test('every SQL statement lives under src/db (or in the stand-ins)', async () => {
  const outside = await sqlOutsideItsHome();
  assert.deepEqual(outside, [], `SQL outside src/db — move it into a module there:\n${outside.join('\n')}`);
});

test('the scan knows a statement from prose and identifiers', () => {
  for (const sql of ['SELECT 1', 'INSERT INTO t (a) VALUES (1)', 'UPDATE issues SET state = $1', 'UPDATE issues i SET campaign = $1', 'DELETE FROM t', 'WITH n AS (SELECT 1)']) assert.match(sql, STATEMENT, sql);
  for (const text of ['select a file', 'the update set', 'SELECTED', 'withDraft', 'Delete from the list']) {
    assert.doesNotMatch(text, STATEMENT, text);
  }
});

test('the db modules themselves are scanned files', async () => {
  const files = await sourceFiles();
  assert.ok(files.includes('db/pull-requests.ts') && files.includes('db/issues.ts'), files.join(', '));
});
