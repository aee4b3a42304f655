// The README's folder table (Architecture) names every folder directly under src/, and every
// folder it names exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/util/project-root.js';
import { folderCoverage, folderTable } from '../helpers/readme-folders.js';

const srcFolders = readdirSync(join(projectRoot, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
const isFolder = (f: string): boolean => existsSync(join(projectRoot, f)) && statSync(join(projectRoot, f)).isDirectory();

test('the README folder table names every folder under src/, and only folders that exist', () => {
  const rows = folderTable(readFileSync(join(projectRoot, 'README.md'), 'utf8'));
  assert.ok(rows.length > 0);
  assert.deepEqual(folderCoverage(rows, srcFolders, isFolder), { missing: [], stale: [] });
});

const README = (rows: string[]): string => ['# X', '', '## Architecture', '', 'Prose.', '', '| folder | what lives there |', '|---|---|', ...rows, '', 'After.', '', '## Next', '', '| `src/elsewhere` | not read |'].join('\n');

test('the table is read from the Architecture section only, up to its last row', () => {
  const rows = folderTable(README(['| `src/a`, `src/b` | two |', '| `bench/` | benchmarks |']));
  assert.deepEqual(rows.map((r) => r.folders), [['src/a', 'src/b'], ['bench']]);
});

test('a folder under src/ missing from the table, and a named folder that does not exist, are both reported', () => {
  const rows = folderTable(README(['| `src/a` | one |', '| `src/gone` | removed |', '| `bench/` | benchmarks |', '| `nowhere/` | absent |', '| `dist/` | built; not in git |']));
  const exists = (f: string): boolean => f === 'bench';
  assert.deepEqual(folderCoverage(rows, ['a', 'b'], exists), { missing: ['src/b'], stale: ['nowhere', 'src/gone'] });
});

test('a README without the section or the table, or with a row naming no folder, is an error', () => {
  assert.throws(() => folderTable('# X\n\n## Commands\n'), /no section "Architecture"/);
  assert.throws(() => folderTable('# X\n\n## Architecture\n\nNo table.\n'), /no "\| folder \|" table/);
  assert.throws(() => folderTable(README(['| src/a without code | one |'])), /names no folder/);
});
