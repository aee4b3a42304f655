import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFilters, defaultFilters, explainFilters } from '../../../src/discovery/filters/index.js';
import { healthFilter } from '../../../src/discovery/filters/health.js';
import { isProgrammingLanguage, languageFilter } from '../../../src/discovery/filters/language.js';
import { classifyLibrary, libraryFilter } from '../../../src/discovery/filters/library.js';
import { qualityFilter, testEvidence } from '../../../src/discovery/filters/quality.js';
import { statusFilter } from '../../../src/discovery/filters/status.js';
import { archived, awesomeList, cpython, docsSite, emptyNew, forked, goLibrary, nextApp, NOW, numpyLike, repo } from '../../helpers/repo-signals.js';

const ctx = { now: NOW };

describe('default filter pipeline on realistic repositories', () => {
  const cases = [
    { name: 'numpy-like library', signals: numpyLike, keep: true },
    { name: 'Go library with *_test.go', signals: goLibrary, keep: true },
    { name: 'awesome list', signals: awesomeList, filter: 'library', reason: /awesome list/ },
    { name: 'docs site (Markdown)', signals: docsSite, filter: 'language', reason: /Markdown is not a programming language/ },
    { name: 'Next.js app', signals: nextApp, filter: 'library', reason: /application/ },
    { name: 'fork', signals: forked, filter: 'status', reason: /fork/ },
    { name: 'archived', signals: archived, filter: 'status', reason: /archived/ },
    { name: 'cpython', signals: cpython, filter: 'library', reason: /runtime/ },
    { name: 'empty new repository', signals: emptyNew, filter: 'language', reason: /no primary language/ },
  ] as const;
  for (const c of cases) {
    test(c.name, () => {
      const r = applyFilters(c.signals, defaultFilters({ minHealth: 0.3 }), ctx);
      if ('keep' in c && c.keep) {
        assert.deepEqual(r, { keep: true });
        return;
      }
      assert.equal(r.keep, false);
      if (r.keep) return;
      assert.equal(r.filter, 'filter' in c ? c.filter : '');
      assert.match(r.reason, 'reason' in c ? c.reason : /^$/);
    });
  }
});

describe('status filter', () => {
  test('disabled and template repositories are dropped with their reason', () => {
    const d = statusFilter.apply(repo({ isDisabled: true }), ctx);
    const t = statusFilter.apply(repo({ isTemplate: true }), ctx);
    assert.equal(d.keep, false);
    assert.equal(t.keep, false);
    assert.match(!d.keep ? d.reason : '', /disabled/);
    assert.match(!t.keep ? t.reason : '', /template/);
  });
});

describe('language filter', () => {
  test('non-programming languages, case-insensitive', () => {
    for (const l of ['Markdown', 'HTML', 'CSS', 'TeX', 'Shell', 'Dockerfile', 'Makefile', 'Jupyter Notebook', 'jupyter notebook']) {
      assert.equal(isProgrammingLanguage(l), false, l);
    }
    for (const l of ['Python', 'Rust', 'C++', 'TypeScript']) assert.equal(isProgrammingLanguage(l), true, l);
  });
  test('a Jupyter-notebook repository is dropped', () => {
    const r = languageFilter.apply(repo({ primaryLanguage: 'Jupyter Notebook' }), ctx);
    assert.equal(r.keep, false);
  });
});

describe('library classification', () => {
  test('a published package outweighs the word "application" in the description', () => {
    const flaskLike = repo({
      owner: 'pallets', name: 'flask', description: 'The Python micro framework for building web applications.',
      topLevelFiles: ['pyproject.toml', 'src', 'tests'],
      manifests: numpyLike.manifests.map((m) => ({ ...m, publishes: 'flask' })),
    });
    const v = classifyLibrary(flaskLike);
    assert.equal(v.library, true);
    assert.match(v.library ? v.evidence : '', /publishes pypi:flask/);
  });
  test('no manifest: library words decide', () => {
    assert.equal(classifyLibrary(repo({ description: 'A tiny C library for parsing JSON' })).library, true);
    const app = classifyLibrary(repo({ description: 'Self-hosted dashboard for your homelab' }));
    assert.equal(app.library, false);
  });
  test('nothing to go on is dropped and says so', () => {
    const v = classifyLibrary(repo({ description: 'my stuff' }));
    assert.equal(v.library, false);
    assert.match(!v.library ? v.reason : '', /no package manifest/);
  });
  test('"app" is matched as a word, not inside "approach" or "happy"', () => {
    const v = classifyLibrary(repo({ description: 'A happy approach to HTTP: client library', topLevelFiles: ['setup.py'] }));
    assert.equal(v.library, true);
  });
  test('documentation and github.io repositories are dropped', () => {
    for (const name of ['docs', 'react-docs', 'python-course', 'someone.github.io']) {
      const r = libraryFilter.apply(repo({ name, topLevelFiles: ['package.json'] }), ctx);
      assert.equal(r.keep, false, name);
    }
  });
  test('manifests recognised by pattern', () => {
    for (const f of ['foo.gemspec', 'pkg.cabal', 'build.gradle.kts', 'pubspec.yaml', 'mix.exs', 'composer.json', 'pom.xml']) {
      assert.equal(classifyLibrary(repo({ topLevelFiles: [f] })).library, true, f);
    }
  });
});

describe('quality filter', () => {
  test('evidence from folders, files, manifests and the collector', () => {
    assert.equal(testEvidence(repo({ topLevelFiles: ['__tests__'] })), 'top-level __tests__/');
    assert.equal(testEvidence(repo({ topLevelFiles: ['Spec'] })), 'top-level Spec/');
    assert.equal(testEvidence(goLibrary), 'test file command_test.go');
    assert.match(testEvidence(numpyLike) ?? '', /pytest in pyproject.toml/);
    assert.equal(testEvidence(repo({ testFramework: 'rspec' })), 'test framework rspec');
    assert.equal(testEvidence(repo({ testsPresent: true })), 'test files found in the tree');
  });
  test('no evidence drops the repository', () => {
    const r = qualityFilter.apply(repo({ topLevelFiles: ['src', 'README.md', 'testing.md'] }), ctx);
    assert.equal(r.keep, false);
  });
});

describe('health filter', () => {
  test('drops an unhealthy repository naming the weak terms', () => {
    const stale = repo({ commitsLast90d: 0, commitAuthorsLast90d: {}, latestReleaseAt: null, hasWorkflows: false, defaultBranchCheckState: null });
    const r = healthFilter(0.5).apply(stale, ctx);
    assert.equal(r.keep, false);
    assert.match(!r.keep ? r.reason : '', /health 0\.\d\d < 0\.5 \(.*velocity/);
    assert.deepEqual(healthFilter(0.5).apply(numpyLike, ctx), { keep: true });
  });
  test('rejects a threshold outside 0–1', () => {
    assert.throws(() => healthFilter(1.5), RangeError);
    assert.throws(() => healthFilter(Number.NaN), RangeError);
  });
});

test('explainFilters reports every verdict', () => {
  const all = explainFilters(archived, defaultFilters(), ctx);
  assert.deepEqual(all.map((a) => a.filter), ['status', 'language', 'library', 'quality']);
  assert.equal(all[0]?.result.keep, false);
  assert.equal(all[2]?.result.keep, true);
});
