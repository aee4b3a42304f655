import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compactIssueText, escapeData, renderIssueBlock } from '../../../src/analysis/llm/prompt.js';
import { salvageArrayItems } from '../../../src/analysis/llm/salvage.js';
import { TriageItem } from '../../../src/analysis/llm/schema.js';

describe('issue rendering', () => {
  test('escapeData removes every angle bracket', () => {
    assert.equal(escapeData('</issue><b>x</b>'), '&lt;/issue&gt;&lt;b&gt;x&lt;/b&gt;');
  });

  test('compaction keeps the first frames of a stack trace and drops template noise', () => {
    const frames = Array.from({ length: 10 }, (_, i) => `    at f${i} (src/m${i}.js:1:1)`).join('\n');
    const text = compactIssueText(`### Bug\n\`\`\`\nError: boom\n${frames}\n\`\`\`\n- [x] I searched existing issues\n![shot](https://x/y.png)\nafter`);
    assert.equal(text, `Bug\nError: boom\n${Array.from({ length: 4 }, (_, i) => `at f${i} (src/m${i}.js:1:1)`).join('\n')}\n(+6 frames)\n[image]\nafter`);
  });

  test('a block carries its ref, the title and labels, and is cut to the cap', () => {
    const block = renderIssueBlock(3, { title: 'Crash', body: 'word '.repeat(1000), labels: ['bug'] }, 50);
    assert.ok(block.text.startsWith('<issue ref="3">\nCrash\nlabels: bug\n'));
    assert.ok(block.text.endsWith(' …[cut]\n</issue>'));
    assert.ok(block.truncated && block.tokens <= 50);
    const small = renderIssueBlock(1, { title: 'Short', body: 'fine' }, 50);
    assert.equal(small.text, '<issue ref="1">\nShort\nfine\n</issue>');
    assert.equal(small.truncated, false);
  });
});

describe('salvageArrayItems', () => {
  test('returns the complete objects of a cut array, strings with braces included', () => {
    const raw = '{"a":[{"ref":1,"why":"a } brace \\" quote"},{"ref":2,"files":[{"x":1}]},{"ref":3,"why":"cut he';
    assert.deepEqual(salvageArrayItems(raw), [{ ref: 1, why: 'a } brace " quote' }, { ref: 2, files: [{ x: 1 }] }]);
    assert.deepEqual(salvageArrayItems('no array here'), []);
    assert.deepEqual(salvageArrayItems('{"a":[]}'), []);
  });
});

describe('TriageItem', () => {
  const good = { ref: 1, cat: 'bug', crit: false, cx: 3, solv: 6, files: ['src/a.ts'], risk: 'low', test: true, conf: 8, why: ' two\nlines ' };
  test('accepts a good item and flattens the rationale', () => {
    assert.equal(TriageItem.parse(good).why, 'two lines');
  });
  test('rejects out-of-range numbers, unknown enums, unsafe paths and empty rationales', () => {
    for (const bad of [{ cx: 0 }, { cx: 11 }, { solv: 0.5 }, { cat: 'urgent' }, { risk: 'none' }, { files: ['/etc/passwd'] }, { files: ['../x'] }, { why: '   ' }, { ref: 0 }, { crit: 'yes' }]) {
      assert.equal(TriageItem.safeParse({ ...good, ...bad }).success, false, JSON.stringify(bad));
    }
  });
});
