import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { renderPrBody, type PrBodyInput } from '../../src/contribute/pr-body.js';
import { codeBlock, codeSpan, escapeInline, escapeMarkdown } from '../../src/contribute/markdown.js';

const input: PrBodyInput = {
  issue: { number: 42, title: 'Crash when parsing empty input' },
  summary: 'The parser read past the end of an empty buffer; it now returns an empty list.',
  changes: [{ path: 'src/parse.js', note: 'guard empty input' }, { path: 'test/parse.test.js' }],
  evidence: { testCommand: 'npm test', failedBefore: ['parse > handles empty input'], passedAfter: ['parse > handles empty input', 'parse > basic'], newTests: ['parse > handles empty input'] },
  disclosure: { model: 'claude-sonnet-4-5', inputTokens: 12345, outputTokens: 678, costUsd: 0.04712 },
};

describe('renderPrBody', () => {
  const body = renderPrBody(input);
  test('has every section and the closing reference last', () => {
    for (const heading of ['## Summary', '## What changed', '## Evidence', '## AI disclosure']) assert.ok(body.includes(heading), heading);
    assert.ok(body.trimEnd().endsWith('Fixes #42'));
  });
  test('shows the evidence: failing before, passing after, the new test', () => {
    assert.match(body, /\*\*Failed before the change\*\* \(1\):\n- `parse > handles empty input`/);
    assert.match(body, /\*\*Pass after the change\*\* \(1 of those; 2 passing in total\):\n- `parse > handles empty input`/);
    assert.match(body, /\*\*New tests\*\* \(1\):\n- `parse > handles empty input`/);
    assert.match(body, /`npm test`/);
  });
  test('discloses model, tokens and cost', () => {
    assert.match(body, /Model: `claude-sonnet-4-5`/);
    assert.match(body, /Tokens: 12345 input, 678 output/);
    assert.match(body, /Cost: \$0\.0471/);
  });
  test('a model that writes its own code is called an AI model; a scripted stand-in is named as such, in bold, first', () => {
    assert.match(body, /This pull request was written by an AI model/);
    assert.doesNotMatch(body, /scripted/i);
    const scripted = renderPrBody({ ...input, disclosure: { ...input.disclosure, model: 'scripted-demo', costUsd: 0 } });
    const disclosure = scripted.slice(scripted.indexOf('## AI disclosure'));
    assert.match(disclosure, /^## AI disclosure\n\n\*\*The model was a scripted stand-in \\\(scripted-demo\\\): fixed answers written for GlobaLLM's demo, no language model was called\.\*\* GlobaLLM opened this pull request/);
    assert.doesNotMatch(scripted, /written by an AI model/);
    assert.match(disclosure, /Model: `scripted-demo`/);
  });
  test('says so honestly when no test failed before', () => {
    const b = renderPrBody({ ...input, evidence: { failedBefore: [], passedAfter: ['a'], newTests: [] } });
    assert.match(b, /none: no test reproduced the issue/);
    assert.match(b, /none added/);
  });
  test('hostile issue title and summary cannot mention, reference, close or inject HTML', () => {
    const b = renderPrBody({
      ...input,
      issue: { number: 7, title: '@octocat please look <img src=x onerror=alert(1)> closes #1\n# Heading' },
      summary: 'cc @maintainers/core\n<script>alert(1)</script>\n![pixel](https://tracker.example/p.png)\nFixes #99 and GH-12, also owner/repo#3\n- [x] done',
      evidence: { ...input.evidence, newTests: ['`) @evil <b>'] },
    });
    // Code spans are literal on GitHub (no mentions, no HTML); everything outside must be neutral.
    const outsideCode = b.replace(/(`+)[\s\S]*?\1/g, '');
    assert.doesNotMatch(outsideCode, /@(?!\u200b)\w/, 'every @ is followed by a zero-width space');
    assert.doesNotMatch(outsideCode, /<(img|script|b)\b/i);
    assert.ok(b.includes('`` `) @evil <b> ``'), 'the test name is shown verbatim in a code span');
    assert.doesNotMatch(b, /(^|[^\u200b])#(?!\u200b)(1|99|3)\b/m);
    assert.doesNotMatch(b, /GH-12/);
    assert.doesNotMatch(b, /!\[pixel\]/);
    assert.doesNotMatch(b, /https:\/\/tracker/);
    assert.equal((b.match(/Fixes #7/g) ?? []).length, 1);
    assert.equal((b.match(/^Fixes #\d/gm) ?? []).length, 1, 'only our closing line is a closing reference');
    assert.doesNotMatch(b, /^# Heading/m);
  });
  test('rejects a bad issue number', () => {
    assert.throws(() => renderPrBody({ ...input, issue: { number: 0, title: 'x' } }));
    assert.throws(() => renderPrBody({ ...input, issue: { number: 1.5, title: 'x' } }));
  });
});

describe('markdown helpers', () => {
  test('escapeMarkdown breaks mentions and references but keeps the words', () => {
    assert.equal(escapeMarkdown('hi @bob see #12'), 'hi @\u200bbob see #\u200b12');
    assert.equal(escapeMarkdown('a < b && c'), 'a &lt; b &amp;&amp; c');
    assert.equal(escapeMarkdown('# title\n- item'), '\\# title\n\\- item');
  });
  test('escapeInline flattens and truncates', () => {
    assert.equal(escapeInline('a\n\nb', 10), 'a b');
    assert.equal(escapeInline('abcdefghijkl', 5), 'abcd…');
  });
  test('code spans and blocks survive backticks inside', () => {
    assert.equal(codeSpan('a`b'), '``a`b``');
    assert.equal(codeSpan('`x'), '`` `x ``');
    const block = codeBlock('```\nevil\n```');
    assert.ok(block.startsWith('````\n') && block.endsWith('\n````'));
  });
});
