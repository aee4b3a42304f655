import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ModelEdits, parseModelEdits } from '../../../src/fix/edits/schema.js';
import { normalizeRepoPath } from '../../../src/fix/edits/repo-path.js';
import { InvalidModelOutput } from '../../../src/errors.js';

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
  test('accepts a line-endings conversion to lf or crlf', () => {
    const parsed = parseModelEdits({ explanation: 'fix', edits: [{ path: './a.txt', lineEndings: 'lf' }, { path: 'b.bat', lineEndings: 'crlf' }] });
    assert.deepEqual(parsed.edits, [{ path: 'a.txt', lineEndings: 'lf' }, { path: 'b.bat', lineEndings: 'crlf' }]);
  });
  test('rejects a line-endings conversion that is malformed, unsafe or mixed with text', () => {
    const cases: unknown[] = [
      { path: 'a', lineEndings: 'cr' },
      { path: 'a', lineEndings: 'LF' },
      { path: 'a', lineEndings: '\r\n' },
      { path: 'a', lineEndings: true },
      { path: 'a', lineEndings: null },
      { path: '../a', lineEndings: 'lf' },
      { path: '.git/config', lineEndings: 'lf' },
      { lineEndings: 'lf' },
      { path: 'a', lineEndings: 'lf', newFile: 'x' },
      { path: 'a', lineEndings: 'lf', search: 'a', replace: 'b' },
      { path: 'a', lineEndings: 'lf', mode: '0755' },
    ];
    for (const edit of cases) {
      assert.equal(ModelEdits.safeParse({ explanation: 'x', edits: [edit] }).success, false, JSON.stringify(edit));
      assert.throws(() => parseModelEdits({ explanation: 'x', edits: [edit] }), InvalidModelOutput);
    }
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
