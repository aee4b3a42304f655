import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NotFound, UsageError } from '../../../src/errors.js';
import { parseIssuesJsonl } from '../../../src/forge/local/issues-file.js';
import { LocalForgeReader } from '../../../src/forge/local/reader.js';
import { computeHealth } from '../../../src/scoring/health.js';
import { daysBefore, makeRepo } from '../../helpers/git-fixtures.js';

const NOW = new Date('2025-06-20T00:00:00Z');

describe('local forge on generated git histories', () => {
  let root: string;
  let forge: LocalForgeReader;
  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'local-forge-'));
    makeRepo(path.join(root, 'core'), [
      { author: 'alice', date: daysBefore(NOW, 400), files: { 'package.json': JSON.stringify({ name: '@acme/core', dependencies: {} }), 'src/index.ts': 'export const x = 1;\n', 'README.md': '# core\n\nShared utilities library.\n' } },
      { author: 'alice', date: daysBefore(NOW, 60), files: { 'test/index.test.ts': 'ok\n' } },
      { author: 'bob', date: daysBefore(NOW, 30), files: { '.github/workflows/ci.yml': 'on: push\n' } },
      { author: 'carol', date: daysBefore(NOW, 10), files: { 'src/more.ts': 'export const y = 2;\n' } },
      { author: 'alice', date: daysBefore(NOW, 5), files: { 'src/index.ts': 'export const x = 3;\n' } },
    ]);
    makeRepo(path.join(root, 'api'), [
      { author: 'dave', date: daysBefore(NOW, 200), files: { 'package.json': JSON.stringify({ name: '@acme/api', dependencies: { '@acme/core': '^1' } }), 'src/a.ts': 'a\n' } },
    ]);
    makeRepo(path.join(root, 'web'), [
      { author: 'erin', date: daysBefore(NOW, 100), files: { 'package.json': JSON.stringify({ name: 'web', private: true, dependencies: { '@acme/core': '^1', '@acme/api': '^1' } }), 'app.ts': 'a\n' } },
    ]);
    mkdirSync(path.join(root, 'core', '.globallm'));
    writeFileSync(path.join(root, 'core', '.globallm', 'issues.jsonl'), [
      JSON.stringify({ number: 1, title: 'Crash on empty input', labels: ['bug'], createdAt: '2025-06-01T00:00:00Z', updatedAt: '2025-06-02T00:00:00Z' }),
      JSON.stringify({ number: 2, title: 'Old fixed bug', state: 'closed', createdAt: '2025-05-01T00:00:00Z', closedAt: '2025-05-11T00:00:00Z', updatedAt: '2025-05-11T00:00:00Z' }),
      '{ not json',
      JSON.stringify({ number: 3, title: '' , createdAt: '2025-06-01T00:00:00Z' }),
    ].join('\n'));
    mkdirSync(path.join(root, 'notes'));
    forge = new LocalForgeReader(root);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('signals come from git history and files at HEAD', async () => {
    const out = await forge.repositorySignals([{ owner: 'local', name: 'core' }], NOW);
    const r = out.get('local/core');
    assert.equal(r?.kind, 'ok');
    if (r?.kind !== 'ok') return;
    const s = r.signals;
    assert.equal(s.commitsLast90d, 4);
    assert.deepEqual(s.commitAuthorsLast90d, { 'alice@example.org': 2, 'bob@example.org': 1, 'carol@example.org': 1 });
    assert.equal(s.createdAt, daysBefore(NOW, 400));
    assert.equal(s.pushedAt, daysBefore(NOW, 5));
    assert.equal(s.hasWorkflows, true);
    assert.equal(s.testsPresent, true);
    assert.equal(s.primaryLanguage, 'TypeScript');
    assert.equal(s.manifests[0]?.publishes, '@acme/core');
    assert.equal(s.description, 'Shared utilities library.');
    assert.equal(s.openIssues, 1);
    assert.equal(s.closedIssues, 1);
    assert.deepEqual(s.issueCloseDurationsDays, [10]);
    assert.equal(s.dependents, 2, 'api and web depend on @acme/core');
    const h = computeHealth(s, NOW);
    assert.equal(h.terms.find((t) => t.key === 'busFactor')?.raw, 1, 'alice alone made half the commits');
    assert.equal(h.terms.find((t) => t.key === 'contributors')?.raw, 3);
  });

  test('the organisation graph gives dependents per repository', async () => {
    const out = await forge.repositorySignals([{ owner: 'local', name: 'api' }, { owner: 'local', name: 'web' }], NOW);
    const api = out.get('local/api');
    const web = out.get('local/web');
    assert.equal(api?.kind === 'ok' ? api.signals.dependents : -1, 1);
    assert.equal(web?.kind === 'ok' ? web.signals.dependents : -1, 0);
    assert.equal(api?.kind === 'ok' ? api.signals.commitsLast90d : -1, 0);
  });

  test('search lists the git repositories only, narrowed by words and language', async () => {
    const all = await forge.searchRepositories({ text: '', minStars: 0 }, { max: 10, now: NOW });
    assert.equal(all.totalCount, 3);
    const some = await forge.searchRepositories({ text: 'utilities', minStars: 0 }, { max: 10, now: NOW });
    const names: string[] = [];
    for await (const p of some.pages) names.push(...p.refs.map((r) => r.name));
    assert.deepEqual(names, ['core']);
  });

  test('issues come from .globallm/issues.jsonl; bad lines are skipped', async () => {
    const open = await forge.openIssues({ owner: 'local', name: 'core' });
    assert.deepEqual(open.map((i) => i.number), [1]);
    const since = await forge.openIssues({ owner: 'local', name: 'core' }, '2025-05-10T00:00:00Z');
    assert.deepEqual(since.map((i) => [i.number, i.state]), [[1, 'open'], [2, 'closed']]);
    const parsed = parseIssuesJsonl('{ not json\n\n# comment\n{"number": 0, "title": "x", "createdAt": "2025-01-01T00:00:00Z"}\n');
    assert.equal(parsed.issues.length, 0);
    assert.deepEqual(parsed.rejected.map((r) => r.line), [1, 4]);
  });

  test('a directory that is not a git repository, traversal and a missing repository are refused', async () => {
    await assert.rejects(forge.repositorySignals([{ owner: 'local', name: 'notes' }], NOW), UsageError);
    await assert.rejects(forge.openIssues({ owner: 'local', name: '..' }), UsageError);
    await assert.rejects(forge.openIssues({ owner: 'local', name: 'a/b' }), UsageError);
    const gone = await forge.repositorySignals([{ owner: 'local', name: 'missing' }], NOW);
    assert.equal(gone.get('local/missing')?.kind, 'gone');
    await assert.rejects(forge.openIssues({ owner: 'someone', name: 'core' }), NotFound);
    await assert.rejects(new LocalForgeReader(path.join(root, 'nope')).searchRepositories({ text: '', minStars: 0 }, { max: 1, now: NOW }), UsageError);
  });
});
