import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { IssueAnalysis, IssueInput, RepoRelativePath } from '../../src/analysis/schema.js';

const good = {
  category: 'bug', critical: false, complexity: 3, solvability: 0.7, affectedFiles: ['src/a.ts'],
  breakingChangeRisk: 'low', testNeeded: true, rationale: 'a crash in the parser', analyzer: 'offline', confidence: 0.5,
};

describe('IssueAnalysis', () => {
  test('accepts a valid analysis, including an llm analyzer with a model name', () => {
    assert.equal(IssueAnalysis.parse(good).category, 'bug');
    assert.equal(IssueAnalysis.parse({ ...good, analyzer: 'llm:claude-sonnet-4' }).analyzer, 'llm:claude-sonnet-4');
  });

  const bad: Array<[string, Record<string, unknown>]> = [
    ['unknown category', { category: 'feature-ish' }],
    ['complexity 0', { complexity: 0 }],
    ['complexity 11', { complexity: 11 }],
    ['fractional complexity', { complexity: 2.5 }],
    ['solvability > 1', { solvability: 1.2 }],
    ['negative confidence', { confidence: -0.1 }],
    ['absolute path', { affectedFiles: ['/etc/passwd'] }],
    ['windows absolute path', { affectedFiles: ['C:\\x\\y.ts'] }],
    ['parent traversal', { affectedFiles: ['src/../../secret.ts'] }],
    ['home path', { affectedFiles: ['~/x.ts'] }],
    ['multi-line rationale', { rationale: 'one\ntwo' }],
    ['rationale over 200 chars', { rationale: 'x'.repeat(201) }],
    ['empty rationale', { rationale: '' }],
    ['bad risk', { breakingChangeRisk: 'none' }],
    ['bad analyzer', { analyzer: 'gpt' }],
    ['critical as string', { critical: 'yes' }],
  ];
  for (const [name, patch] of bad) {
    test(`rejects ${name}`, () => {
      assert.equal(IssueAnalysis.safeParse({ ...good, ...patch }).success, false);
    });
  }

  test('rejects a missing field', () => {
    const { testNeeded: _t, ...rest } = good;
    assert.equal(IssueAnalysis.safeParse(rest).success, false);
  });
});

describe('RepoRelativePath', () => {
  test('accepts nested relative paths and rejects control characters', () => {
    assert.equal(RepoRelativePath.safeParse('packages/x/src/index.ts').success, true);
    assert.equal(RepoRelativePath.safeParse('a\u0000b.ts').success, false);
    assert.equal(RepoRelativePath.safeParse('..').success, false);
  });
});

describe('IssueInput', () => {
  test('defaults body to an empty string and keeps optional fields', () => {
    const issue = IssueInput.parse({ title: 'Crash', labels: ['bug'], repo: 'octo/hello-world', number: 4 });
    assert.equal(issue.body, '');
    assert.deepEqual(issue.labels, ['bug']);
    assert.equal(issue.repo, 'octo/hello-world');
  });

  const bad: Array<[string, unknown]> = [
    ['missing title', { body: 'x' }],
    ['empty title', { title: '' }],
    ['blank title', { title: '   ' }],
    ['numeric title', { title: 42 }],
    ['labels as string', { title: 't', labels: 'bug' }],
    ['labels with numbers', { title: 't', labels: [1] }],
    ['repo without owner', { title: 't', repo: 'hello' }],
    ['repo with extra segment', { title: 't', repo: 'a/b/c' }],
    ['repo traversal', { title: 't', repo: 'a/..' }],
    ['negative number', { title: 't', number: -1 }],
    ['body as number', { title: 't', body: 5 }],
    ['not an object', 'just a string'],
  ];
  for (const [name, value] of bad) {
    test(`rejects ${name}`, () => {
      assert.equal(IssueInput.safeParse(value).success, false);
    });
  }
});
