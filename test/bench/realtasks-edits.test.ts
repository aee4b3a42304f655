import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTwoFilesPatch } from 'diff';
import { patchAsEdits } from '../../bench/realtasks/edits.js';
import { applyEdits } from '../../src/fix/edits/apply.js';

const lines = (n: number, eol: string, tag = ''): string => Array.from({ length: n }, (_, i) => `line ${i + 1}${tag}`).join(eol) + eol;

/** The edits the oracle answers for before → after, applied to before. */
function roundTrip(before: string, after: string, base: Record<string, string> = {}): { after: string | undefined; kinds: string[] } {
  const edits = patchAsEdits(createTwoFilesPatch('a/f.txt', 'b/f.txt', before, after), base);
  const applied = applyEdits(new Map([['f.txt', before]]), edits);
  assert.deepEqual(applied.results.filter((r) => r.status === 'failed'), []);
  return { after: applied.changes[0]?.after, kinds: edits.map((e) => Object.keys(e).filter((k) => k !== 'path').join('+')) };
}

describe('patchAsEdits', () => {
  const cases: Array<[string, string, string, string[]]> = [
    ['an LF file edited in two places', lines(20, '\n'), lines(20, '\n').replace('line 3\n', 'line three\n').replace('line 18\n', 'line 18\nline 18b\n'), ['search+replace', 'search+replace']],
    ['a CRLF file edited, keeping CRLF', lines(8, '\r\n'), lines(8, '\r\n').replace('line 4\r\n', 'line four\r\n'), ['search+replace']],
    ['a CRLF file rewritten in LF', lines(8, '\r\n'), `${lines(10, '\n', ' new')}`, ['lineEndings', 'search+replace']],
    ['a CRLF file converted to LF unchanged otherwise', lines(8, '\r\n'), lines(8, '\n'), ['lineEndings', 'search+replace']],
    ['an LF file converted to CRLF with an edit', lines(5, '\n'), lines(5, '\r\n').replace('line 2', 'line two'), ['lineEndings', 'search+replace']],
    ['a CRLF file without a final line break converted to LF', lines(4, '\r\n').slice(0, -2), lines(4, '\n').slice(0, -1), ['lineEndings', 'search+replace']],
    ['a final line break added', 'a\nb', 'a\nb\n', ['search+replace']],
    ['a final line break removed', 'a\nb\n', 'a\nB', ['search+replace']],
  ];
  for (const [name, before, after, kinds] of cases) {
    test(`reproduces ${name} byte for byte`, () => {
      const r = roundTrip(before, after);
      assert.equal(r.after, after);
      assert.deepEqual(r.kinds, kinds);
    });
  }

  test('a new file is a new-file edit; a deleted file is refused', () => {
    assert.deepEqual(patchAsEdits(createTwoFilesPatch('/dev/null', 'b/n.txt', '', 'x\ny\n')), [{ path: 'n.txt', newFile: 'x\ny\n' }]);
    assert.throws(() => patchAsEdits(createTwoFilesPatch('a/n.txt', '/dev/null', 'x\n', '')), /cannot delete/);
  });

  describe('a hunk whose context repeats elsewhere in the file', () => {
    // Two test functions end alike; a test appended after the second has context that matches both.
    const block = (name: string): string => `def ${name}():\n    x = 1\n    y = 2\n    z = 3\n    w = 4\n    assert x + 1 == y\n\n\n`;
    const before = `import six\n\n\n${block('test_a')}${block('test_b')}`.replace(/\n\n\n$/, '\n');
    const after = `${before}\n\ndef test_c():\n    assert True\n`;

    test('is ambiguous as a plain search block', () => {
      const edits = patchAsEdits(createTwoFilesPatch('a/f.txt', 'b/f.txt', before, after));
      const applied = applyEdits(new Map([['f.txt', before]]), edits);
      assert.match(applied.results.map((r) => ('message' in r ? r.message : '')).join(' '), /more than one place/);
    });

    test('is widened with the lines before it until it matches once, given the file', () => {
      const r = roundTrip(before, after, { 'f.txt': before });
      assert.equal(r.after, after);
      const edit = patchAsEdits(createTwoFilesPatch('a/f.txt', 'b/f.txt', before, after), { 'f.txt': before })[0];
      assert.ok(edit && 'search' in edit && edit.search.startsWith('def test_b'), 'widened up to the line that tells the two apart');
    });

    test('is never widened into a line another hunk changes', () => {
      const changed = after.replace('def test_b():', 'def test_b2():');
      assert.equal(roundTrip(before, changed, { 'f.txt': before }).after, changed);
    });
  });
});

