import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ModelEdits, parseModelEdits } from '../../src/fix/edits/schema.js';
import { normalizeRepoPath } from '../../src/fix/edits/repo-path.js';
import { InvalidModelOutput } from '../../src/errors.js';

describe('normalizeRepoPath', () => {
  test('normalises dot segments and duplicate slashes', () => {
    assert.deepEqual(normalizeRepoPath('./src//lib/./a.ts'), { ok: true, path: 'src/lib/a.ts' });
  });
  for (const bad of ['', '/etc/passwd', '../secret', 'src/../../x', 'C:/x', 'a\\b', 'a\u0000b', '~/.ssh/id_rsa', '.git/hooks/pre-commit', 'src/.GIT/config', '.', './']) {
    test(`rejects ${JSON.stringify(bad)}`, () => {
      assert.equal(normalizeRepoPath(bad).ok, false);
    });
  }
});

describe('ModelEdits', () => {
  test('accepts search/replace and new-file edits and normalises paths', () => {
    const parsed = parseModelEdits({
      explanation: 'fix',
      edits: [
        { path: './src/a.ts', search: 'a', replace: 'b' },
        { path: 'test/new.test.ts', newFile: 'x' },
      ],
    });
    assert.equal(parsed.edits[0]?.path, 'src/a.ts');
    assert.ok('newFile' in (parsed.edits[1] ?? {}));
  });
  test('rejects unsafe paths, blank searches, extra keys and mixed shapes', () => {
    const cases: unknown[] = [
      { explanation: 'x', edits: [{ path: '../a', search: 'a', replace: 'b' }] },
      { explanation: 'x', edits: [{ path: '/abs', newFile: '' }] },
      { explanation: 'x', edits: [{ path: 'a', search: '  \n', replace: 'b' }] },
      { explanation: 'x', edits: [{ path: 'a', search: 'a', replace: 'b', newFile: 'c' }] },
      { explanation: 'x', edits: [{ path: 'a', search: 'a', replace: 'b', mode: '0777' }] },
      { explanation: 'x', edits: [] },
      { edits: [{ path: 'a', search: 'a', replace: 'b' }] },
      'not an object',
    ];
    for (const raw of cases) {
      assert.equal(ModelEdits.safeParse(raw).success, false, JSON.stringify(raw));
      assert.throws(() => parseModelEdits(raw), InvalidModelOutput);
    }
  });
});
