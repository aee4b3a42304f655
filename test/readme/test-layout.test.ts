// test/README.md's layout holds: every folder under test/ mirrors a folder of src/ or lies in one
// of the non-mirroring folders that file names, and mirroring folders hold test files only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/util/project-root.js';

/** A folder's contents, as '/'-separated paths relative to it. */
interface Tree { dirs: string[]; files: string[] }

function walk(root: string, rel = ''): Tree {
  const tree: Tree = { dirs: [], files: [] };
  for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
    const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (!entry.isDirectory()) { tree.files.push(path); continue; }
    const inner = walk(root, path);
    tree.dirs.push(path, ...inner.dirs);
    tree.files.push(...inner.files);
  }
  return tree;
}

/** The non-mirroring folders test/README.md's table names (rows starting with `` | `name/` | ``). */
function namedFolders(readme: string): Set<string> {
  const names = [...readme.matchAll(/^\| `([^`/]+)\/` \|/gm)].map((m) => m[1] ?? '');
  if (names.length === 0) throw new Error('test/README.md names no non-mirroring folder (a table row starting with | `name/` |)');
  return new Set(names);
}

/** What breaks the layout: folders that mirror no src/ folder, and files other than tests in mirroring folders. */
function strays(tests: Tree, srcDirs: ReadonlySet<string>, named: ReadonlySet<string>): string[] {
  const isNamed = (path: string): boolean => named.has(path.split('/')[0] ?? '');
  const folders = tests.dirs.filter((d) => !isNamed(d) && !srcDirs.has(d))
    .map((d) => `test/${d}/ mirrors no src/ folder and is not a folder test/README.md names`);
  const files = tests.files.filter((f) => !isNamed(f) && !f.endsWith('.test.ts') && f !== 'README.md')
    .map((f) => `test/${f} is not a test file; shared setup goes in test/helpers/`);
  return [...folders, ...files];
}

const named = namedFolders(readFileSync(join(projectRoot, 'test', 'README.md'), 'utf8'));

test('every test folder mirrors a src/ folder or is one test/README.md names; mirroring folders hold tests only', () => {
  const found = strays(walk(join(projectRoot, 'test')), new Set(walk(join(projectRoot, 'src')).dirs), named);
  assert.deepEqual(found, [], found.join('\n'));
});

test('each folder test/README.md names exists', () => {
  const top = new Set(walk(join(projectRoot, 'test')).dirs.filter((d) => !d.includes('/')));
  assert.deepEqual([...named].filter((n) => !top.has(n)), []);
});

test('a stray folder, a stray file or a folder whose src/ folder is gone is named; named folders may hold anything', () => {
  const src = new Set(['fix', 'fix/policy', 'forge']);
  const tree: Tree = {
    dirs: ['fix', 'fix/policy', 'fix/gone', 'forge', 'orchestration', 'e2e', 'e2e/settings', 'helpers'],
    files: ['README.md', 'log.test.ts', 'fix/policy/guard.test.ts', 'fix/policy/helpers.ts', 'orchestration/run.test.ts', 'notes.md',
      'e2e/settings/probes.ts', 'helpers/db.ts', 'forge/data.json'],
  };
  assert.deepEqual(strays(tree, src, new Set(['e2e', 'helpers'])), [
    'test/fix/gone/ mirrors no src/ folder and is not a folder test/README.md names',
    'test/orchestration/ mirrors no src/ folder and is not a folder test/README.md names',
    'test/fix/policy/helpers.ts is not a test file; shared setup goes in test/helpers/',
    'test/notes.md is not a test file; shared setup goes in test/helpers/',
    'test/forge/data.json is not a test file; shared setup goes in test/helpers/',
  ]);
  assert.deepEqual(strays({ dirs: ['fix'], files: ['fix/a.test.ts'] }, src, new Set()), []);
});

test('the non-mirroring folders are read from the table rows only; a README without them is refused', () => {
  const readme = 'Mentions `e2e/` in prose.\n\n| folder | what |\n|---|---|\n| `helpers/` | setup |\n| `bench/` | benches |\n| not `x/` | no |\n';
  assert.deepEqual([...namedFolders(readme)], ['helpers', 'bench']);
  assert.throws(() => namedFolders('# Tests\n\nNo table.\n'), /names no non-mirroring folder/);
});
