import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTwoFilesPatch } from 'diff';
import { patchAsEdits } from '../../bench/realtasks/edits.js';
import { applyEdits } from '../../src/fix/edits/apply.js';

const lines = (n: number, eol: string, tag = ''): string => Array.from({ length: n }, (_, i) => `line ${i + 1}${tag}`).join(eol) + eol;

/** The edits the oracle answers for before → after, applied to before. */
function roundTrip(before: string, after: string): { after: string | undefined; kinds: string[] } {
  const edits = patchAsEdits(createTwoFilesPatch('a/f.txt', 'b/f.txt', before, after));
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
});
