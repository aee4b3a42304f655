import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeOffline, OfflineAnalyzer } from '../../../src/analysis/offline/analyzer.js';
import { parseLabelledIssues } from '../../../src/analysis/offline/dataset.js';
import { f1Report, stratifiedFolds } from '../../../src/analysis/offline/evaluate.js';
import { issueFeatures } from '../../../src/analysis/offline/features.js';
import { loadShippedModel } from '../../../src/analysis/offline/load-model.js';
import { predict, type LinearModel } from '../../../src/analysis/offline/model.js';
import { normalizeIssueText } from '../../../src/analysis/offline/normalize.js';
import { extractMentionedFiles } from '../../../src/analysis/offline/paths.js';
import { categoryFromLabels, decideCategory } from '../../../src/analysis/offline/rules.js';
import { trainLinearModel, DEFAULT_TRAIN_OPTIONS } from '../../../src/analysis/offline/train-model.js';
import { IssueAnalysis, IssueInput } from '../../../src/analysis/schema.js';

const model: LinearModel = await loadShippedModel();
const analyze = (raw: unknown): IssueAnalysis => analyzeOffline(model, IssueInput.parse(raw));

const BUG = {
  title: 'TypeError crash when calling render() twice',
  body: [
    '### Steps to reproduce', '1. Call render twice', '### Actual behavior', 'The app crashes with:', '```',
    "TypeError: Cannot read properties of undefined (reading 'x')",
    '    at render (src/client/render.js:120:15)', '    at main (src/index.js:4:1)', '```',
    '### Expected behavior', 'No error.',
  ].join('\n'),
};
const FEATURE = { title: 'Feature request: add an option to export settings as YAML', body: 'It would be nice to have a way to export the settings. Proposal: a new command.' };
const QUESTION = { title: 'How do I configure the cache directory?', body: 'I read the docs but could not find how to change where the cache is stored. Is this possible?' };

describe('offline classifier on hand-written issues', () => {
  test('a bug report with a stack trace is a bug', () => {
    assert.equal(predict(model, issueFeatures(BUG.title, BUG.body)).label, 'bug');
    assert.equal(analyze(BUG).category, 'bug');
  });
  test('"Feature request: add X" is a feature', () => {
    assert.equal(predict(model, issueFeatures(FEATURE.title, FEATURE.body)).label, 'feature');
    assert.equal(analyze(FEATURE).category, 'feature');
  });
  test('"How do I …?" is a question', () => {
    assert.equal(predict(model, issueFeatures(QUESTION.title, QUESTION.body)).label, 'question');
    const a = analyze(QUESTION);
    assert.equal(a.category, 'question');
    assert.equal(a.testNeeded, false);
  });
  test('probabilities sum to one', () => {
    const p = predict(model, issueFeatures(BUG.title, BUG.body)).probabilities;
    assert.ok(Math.abs(p.bug + p.feature + p.question - 1) < 1e-9);
  });
  test('every analysis is schema-valid and honest about confidence', () => {
    for (const issue of [BUG, FEATURE, QUESTION, { title: '?' }]) {
      const a = analyze(issue);
      assert.equal(IssueAnalysis.safeParse(a).success, true);
      assert.equal(a.analyzer, 'offline');
      assert.ok(a.confidence <= 0.85);
    }
  });
  test('the analyzer class uses the shipped model', async () => {
    assert.deepEqual(await new OfflineAnalyzer().analyze(IssueInput.parse(QUESTION)), analyze(QUESTION));
  });
});

describe('explicit labels win', () => {
  test('a question-looking issue labelled bug is a bug', () => {
    const a = analyze({ ...QUESTION, labels: ['Type: Bug'] });
    assert.equal(a.category, 'bug');
    assert.match(a.rationale, /label/);
  });
  test('a bug-looking issue labelled enhancement is an enhancement', () => {
    assert.equal(analyze({ ...BUG, labels: ['enhancement'] }).category, 'enhancement');
  });
  test('a bug-looking issue labelled question is a question', () => {
    assert.equal(analyze({ ...BUG, labels: ['question'] }).category, 'question');
  });
  test('labels that name no category leave the decision to the text', () => {
    assert.equal(categoryFromLabels(['good first issue', 'P2']), undefined);
    assert.equal(analyze({ ...QUESTION, labels: ['good first issue'] }).category, 'question');
  });
});

describe('category mapping', () => {
  test('security words give security and critical', () => {
    const a = analyze({ title: 'SQL injection in the login form', body: 'The username field is passed to the query unescaped.' });
    assert.equal(a.category, 'security');
    assert.equal(a.critical, true);
    assert.ok(a.solvability <= 0.4);
  });
  test('a security issue labelled bug is still security', () => {
    assert.equal(analyze({ title: 'Crash', body: 'This is a remote code execution, see CVE-2024-12345.', labels: ['bug'] }).category, 'security');
  });
  test('a question about security stays a question', () => {
    assert.equal(decideCategory('How do I enable CSRF protection?', '', undefined, 'question').category, 'question');
  });
  test('docs, typos and readme give documentation', () => {
    const a = analyze({ title: 'Typo in README', body: 'The word "recieve" is misspelled.' });
    assert.equal(a.category, 'documentation');
    assert.equal(a.testNeeded, false);
    assert.equal(decideCategory('Docs: the install page is outdated', '', undefined, 'bug').category, 'documentation');
  });
  test('slow / memory leak gives performance', () => {
    assert.equal(analyze({ title: 'Memory leak when opening many tabs', body: 'RSS grows without bound.' }).category, 'performance');
    assert.equal(decideCategory('Search is very slow on large repos', '', undefined, 'bug').category, 'performance');
  });
  test('flaky tests give test', () => {
    assert.equal(decideCategory('Flaky test in CI: test_network_timeout', '', undefined, 'bug').category, 'test');
  });
  test('improvement wording turns a feature into an enhancement', () => {
    assert.equal(decideCategory('Improve the error message for bad config', '', undefined, 'feature').category, 'enhancement');
  });
  test('a non-critical bug stays non-critical', () => {
    assert.equal(analyze({ title: 'Button label is misaligned', body: 'The label is 2px off.', labels: ['bug'] }).critical, false);
  });
  test('breaking-change words raise the risk to high', () => {
    assert.equal(analyze({ ...FEATURE, body: 'This is a breaking change: remove the public API for v1.' }).breakingChangeRisk, 'high');
  });
});

describe('affected files', () => {
  test('finds repository paths and well-known files, in order', () => {
    const files = extractMentionedFiles('Error in src/parser/lexer.ts:10 and lib/util.py; also see package.json and Makefile.');
    assert.deepEqual(files, ['src/parser/lexer.ts', 'lib/util.py', 'package.json', 'Makefile']);
  });
  test('ignores URLs, absolute machine paths, traversal and version numbers', () => {
    const files = extractMentionedFiles('See https://github.com/o/r/blob/main/src/a.ts and /home/me/proj/src/b.ts and ../../etc/passwd.txt, version 1.2.3');
    assert.deepEqual(files, []);
  });
  test('the bug example lists its stack-trace files', () => {
    assert.deepEqual(analyze(BUG).affectedFiles, ['src/client/render.js', 'src/index.js']);
  });
});

describe('normalisation', () => {
  test('replaces code blocks, urls and versions with placeholders and keeps headings', () => {
    const n = normalizeIssueText('### Steps to reproduce\n```\nsecret code\n```\nsee https://x.y/z on v1.2.3');
    assert.match(n, /hdr_steps_to_reproduce/);
    assert.match(n, /xcodeblock/);
    assert.match(n, /xurl/);
    assert.match(n, /xversion/);
    assert.doesNotMatch(n, /secret code/);
  });
});

describe('training and evaluation', () => {
  const examples = [
    ...['crash on start', 'error when saving', 'exception thrown on load', 'crash after update'].map((t) => ({ t, l: 'bug' as const })),
    ...['add dark mode', 'support export to csv', 'add new option for theme', 'support plugins'].map((t) => ({ t, l: 'feature' as const })),
    ...['how do i install', 'how to configure proxy', 'how can i change port', 'how do i use plugins'].map((t) => ({ t, l: 'question' as const })),
  ];
  test('a model trained on a tiny set learns it and keeps only n-gram keys', () => {
    const m = trainLinearModel(examples.map((e) => ({ features: issueFeatures(e.t, ''), label: e.l })), ['bug', 'feature', 'question'],
      { ...DEFAULT_TRAIN_OPTIONS, minDf: 1, iterations: 200 });
    assert.equal(predict(m, issueFeatures('crash on save', '')).label, 'bug');
    assert.equal(predict(m, issueFeatures('add option for export', '')).label, 'feature');
    assert.equal(predict(m, issueFeatures('how do i change theme', '')).label, 'question');
    for (const key of Object.keys(m.features)) assert.match(key, /^[tcbs]:/);
  });
  test('training on nothing is an error', () => {
    assert.throws(() => trainLinearModel([], ['bug', 'feature']), RangeError);
  });
  test('stratified folds spread every label evenly and are deterministic', () => {
    const labels = [...Array<string>(10).fill('a'), ...Array<string>(5).fill('b')];
    const folds = stratifiedFolds(labels, 5);
    assert.deepEqual(folds, stratifiedFolds(labels, 5));
    for (let k = 0; k < 5; k++) {
      assert.equal(folds.filter((f, i) => f === k && labels[i] === 'a').length, 2);
      assert.equal(folds.filter((f, i) => f === k && labels[i] === 'b').length, 1);
    }
    assert.throws(() => stratifiedFolds(labels, 1), RangeError);
  });
  test('f1Report computes per-class and macro F1', () => {
    const r = f1Report(['x', 'y'], ['x', 'x', 'y', 'y'], ['x', 'y', 'y', 'y']);
    assert.equal(r.perClass.x.f1, 2 / 3);
    assert.equal(r.perClass.y.f1, 0.8);
    assert.equal(r.macroF1, (2 / 3 + 0.8) / 2);
    assert.equal(r.accuracy, 0.75);
    assert.throws(() => f1Report(['x'], ['x'], []), RangeError);
  });
  test('the CSV parser reads quoted multi-line bodies and rejects unknown labels', () => {
    const csv = 'repo,created_at,label,title,body\no/r,2023-01-01,bug,"A ""quoted"" title","line one\nline two"\n';
    assert.deepEqual(parseLabelledIssues(csv), [{ repo: 'o/r', label: 'bug', title: 'A "quoted" title', body: 'line one\nline two' }]);
    assert.throws(() => parseLabelledIssues('repo,created_at,label,title,body\no/r,2023,chore,t,b\n'), /row 2/);
  });
});
