import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, applySearchReplace, describeFailures } from '../../../src/fix/edits/apply.js';
import { guardChanges } from '../../../src/fix/policy/guard.js';

const file = [
  'export function total(items) {',
  '  let sum = 0;',
  '  for (const item of items) {',
  '    sum += item.price * item.quantity;',
  '  }',
  '  return sum;',
  '}',
  '',
  'export function label(item) {',
  '  return `${item.name} (${item.quantity})`;',
  '}',
  '',
].join('\n');

function ok(result: ReturnType<typeof applySearchReplace>): Extract<ReturnType<typeof applySearchReplace>, { ok: true }> {
  assert.ok(result.ok, JSON.stringify(result));
  return result;
}

describe('applySearchReplace', () => {
  test('exact match replaces in place', () => {
    const r = ok(applySearchReplace(file, '  return sum;\n', '  return Math.round(sum);\n'));
    assert.equal(r.kind, 'exact');
    assert.equal(r.startLine, 6);
    assert.equal(r.contents, file.replace('  return sum;', '  return Math.round(sum);'));
  });

  test('tolerates trailing spaces and a uniform indentation shift, re-indenting the replacement', () => {
    const search = 'for (const item of items) {   \n  sum += item.price * item.quantity;\n}\n';
    const replace = 'for (const item of items) {\n  if (!item) continue;\n  sum += item.price * item.quantity;\n}\n';
    const r = ok(applySearchReplace(file, search, replace));
    assert.equal(r.kind, 'whitespace');
    assert.equal(r.startLine, 3);
    assert.ok(r.contents.includes('  for (const item of items) {\n    if (!item) continue;\n    sum += item.price'));
  });

  test('matches an LF search in a CRLF file and keeps CRLF', () => {
    const crlf = file.replace(/\n/g, '\r\n');
    const r = ok(applySearchReplace(crlf, '  let sum = 0;\n  for (const item of items) {\n', '  let sum = 1;\n  for (const item of items) {\n'));
    assert.equal(r.kind, 'whitespace');
    assert.ok(r.contents.includes('  let sum = 1;\r\n'));
    assert.equal(r.contents.replace(/\r\n/g, '').includes('\n'), false, 'no bare LF introduced');
  });

  test('keeps a missing trailing newline missing', () => {
    const r = ok(applySearchReplace('a\nb\nc', 'b\nc\n', 'B\nC\n'));
    assert.equal(r.contents, 'a\nB\nC');
  });

  test('fuzzy: one drifted line inside an otherwise exact block applies at the right place', () => {
    const search = '  let sum = 0;\n  for (const itm of items) {\n    sum += item.price * item.quantity;\n  }\n';
    const r = ok(applySearchReplace(file, search, '  let sum = 0;\n  for (const item of items ?? []) {\n    sum += item.price * item.quantity;\n  }\n'));
    assert.equal(r.kind, 'fuzzy');
    assert.equal(r.startLine, 2);
    assert.ok(r.contents.includes('items ?? []'));
  });

  test('fuzzy refuses two drifted lines', () => {
    const search = '  let sum = 1;\n  for (const itm of items) {\n    sum += item.price * item.quantity;\n  }\n';
    const r = applySearchReplace(file, search, 'x\n');
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.reason, 'not_found');
  });

  test('a block that matches twice is ambiguous and not applied', () => {
    const twice = `${file}\nfunction again(items) {\n  let sum = 0;\n  for (const item of items) {\n}\n`;
    const r = applySearchReplace(twice, '  let sum = 0;\n  for (const item of items) {\n', 'X\n');
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.reason, 'ambiguous');
      assert.deepEqual(r.candidates, [2, 14]);
    }
  });

  test('fuzzy refuses when a near-identical block elsewhere competes', () => {
    const body = ['function a() {', '  const value = compute(1);', '  return value + 1;', '}', 'function b() {', '  const value = compute(2);', '  return value + 1;', '}'].join('\n');
    // Drifted middle line; "compute(3)" is equally close to both blocks.
    const r = applySearchReplace(body, '  const value = compute(3);\n  return value + 1;\n}\n', 'x\n');
    assert.equal(r.ok, false);
  });

  test('not found returns the nearest lines with numbers', () => {
    const r = applySearchReplace(file, 'export function labels(item) {\n  return item.title;\n}\n', 'x');
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.reason, 'not_found');
      assert.ok(r.nearest);
      assert.ok(r.nearest.lines.some((l) => l.number === 9 && l.text.startsWith('export function label(item)')));
    }
  });

  test('blank search is refused', () => {
    const r = applySearchReplace(file, '\n\n', 'x');
    assert.equal(r.ok, false);
  });
});

describe('applyEdits', () => {
  test('applies in order, creates files, reports failures and a unified diff', () => {
    const files = new Map([['src/total.js', file]]);
    const result = applyEdits(files, [
      { path: 'src/total.js', search: '  return sum;\n', replace: '  return Number(sum.toFixed(2));\n' },
      { path: 'src/total.js', search: 'return Number(sum.toFixed(2));', replace: 'return Math.round(sum * 100) / 100;' },
      { path: 'src/missing.js', search: 'a', replace: 'b' },
      { path: 'src/total.js', newFile: 'overwrite' },
      { path: 'test/total.test.js', newFile: 'test\n' },
      { path: 'src/total.js', search: 'nothing like this\nat all\n', replace: 'x' },
    ]);
    assert.deepEqual(result.results.map((r) => r.status), ['exact', 'exact', 'failed', 'failed', 'created', 'failed']);
    const failed = result.results.filter((r) => r.status === 'failed');
    assert.deepEqual(failed.map((r) => r.status === 'failed' && r.reason), ['file_missing', 'file_exists', 'not_found']);
    assert.equal(result.changes.length, 2);
    const total = result.changes.find((c) => c.path === 'src/total.js');
    assert.ok(total?.after.includes('Math.round(sum * 100) / 100'));
    assert.equal(result.changes.find((c) => c.path === 'test/total.test.js')?.before, undefined);
    assert.match(result.diff, /--- a\/src\/total\.js/);
    assert.match(result.diff, /\+\+\+ b\/test\/total\.test\.js/);
    assert.match(result.diff, /-  return sum;/);
    assert.match(describeFailures(result.results), /Edit 6 \(src\/total\.js\) did not apply/);
    assert.equal(files.get('src/total.js'), file, 'input map is not modified');
  });
});

describe('applyEdits: line endings', () => {
  const crlf = file.replace(/\n/g, '\r\n');

  test('converts a CRLF file to LF; a later search/replace sees LF and writes LF', () => {
    const result = applyEdits(new Map([['src/total.js', crlf]]), [
      { path: 'src/total.js', lineEndings: 'lf' },
      { path: 'src/total.js', search: '  return sum;\n', replace: '  return Math.round(sum);\n' },
    ]);
    assert.deepEqual(result.results.map((r) => r.status), ['converted', 'exact']);
    assert.equal(result.changes[0]?.after, file.replace('  return sum;', '  return Math.round(sum);'));
    assert.equal(result.changes[0]?.before, crlf);
    assert.match(result.diff, /^-export function total\(items\) \{\r$/m, 'the diff removes the CRLF lines byte for byte');
    assert.match(result.diff, /^\+export function total\(items\) \{$/m);
  });

  test('converts LF to CRLF after the edits, leaving a lone CR alone and a missing final newline missing', () => {
    const text = 'a\nb\rc\nd';
    const result = applyEdits(new Map([['x.bat', text]]), [
      { path: 'x.bat', search: 'a\n', replace: 'A\n' },
      { path: 'x.bat', lineEndings: 'crlf' },
    ]);
    assert.deepEqual(result.results.map((r) => r.status), ['exact', 'converted']);
    assert.equal(result.changes[0]?.after, 'A\r\nb\rc\r\nd');
  });

  test('a file already in the asked line endings is no change', () => {
    const result = applyEdits(new Map([['a.txt', 'x\ny\n']]), [{ path: 'a.txt', lineEndings: 'lf' }]);
    assert.equal(result.results[0]?.status, 'unchanged');
    assert.deepEqual(result.changes, []);
    assert.equal(result.diff, '');
  });

  test('a missing file fails; a file created earlier in the list converts', () => {
    const result = applyEdits(new Map(), [
      { path: 'gone.txt', lineEndings: 'lf' },
      { path: 'new.txt', newFile: 'a\r\nb\r\n' },
      { path: 'new.txt', lineEndings: 'lf' },
    ]);
    assert.deepEqual(result.results.map((r) => r.status === 'failed' ? r.reason : r.status), ['file_missing', 'created', 'converted']);
    assert.deepEqual(result.changes, [{ path: 'new.txt', before: undefined, after: 'a\nb\n' }]);
  });

  test('the change guard judges a conversion like any other change', () => {
    const result = applyEdits(new Map([['.github/workflows/ci.yml', 'on: push\r\n']]), [{ path: '.github/workflows/ci.yml', lineEndings: 'lf' }]);
    const guard = guardChanges(result.changes);
    assert.equal(guard.allowed.length, 0);
    assert.equal(guard.refused[0]?.path, '.github/workflows/ci.yml');
  });
});
