/**
 * The seeded example world: a few organisations, six repositories with real git histories,
 * labelled issues, and a generator of many metadata-only repositories for benchmarks.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { seededRandom } from '../../util/seeded-random.js';
import { buildBareRepo, resolveRef, updateRef, writeCommit, type FixtureCommit, type GitAuthor } from '../github/gitops.js';
import { createPull } from '../github/pulls.js';
import type { World } from '../github/world.js';

const PEOPLE: Record<string, GitAuthor> = {
  alice: { name: 'Alice Moreau', email: 'alice@example.org' },
  bob: { name: 'Bob Okafor', email: 'bob@example.org' },
  carol: { name: 'Carol Lin', email: 'carol@example.org' },
  dave: { name: 'Dave Schmidt', email: 'dave@example.org' },
  erin: { name: 'Erin Yilmaz', email: 'erin@example.org' },
};

function who(login: keyof typeof PEOPLE): GitAuthor {
  const p = PEOPLE[login];
  if (!p) throw new Error(`unknown person ${login}`);
  return p;
}

const MIT = { key: 'mit', name: 'MIT License', spdxId: 'MIT' };
const APACHE = { key: 'apache-2.0', name: 'Apache License 2.0', spdxId: 'Apache-2.0' };

function commit(login: keyof typeof PEOPLE, date: string, message: string, files: Record<string, string | null>): FixtureCommit {
  return { author: who(login), date, message, files };
}

/**
 * The moment the example world was written at. Every date in it is stored relative to this
 * moment and served shifted to the stand-in's clock (in whole days), so the world does not age:
 * a repository pushed "ten days ago" stays ten days old on any day, for search qualifiers too.
 */
export const WORLD_AUTHORED_AT = '2025-06-20T00:00:00Z';
const DAY_MS = 86_400_000;

/** Maps a date as written in the world to the same distance before the clock's `nowMs`. */
export function worldDates(nowMs: number): (authored: string) => string {
  const shiftMs = Math.floor((nowMs - Date.parse(WORLD_AUTHORED_AT)) / DAY_MS) * DAY_MS;
  return (authored) => new Date(Date.parse(authored) + shiftMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const SEEDED_REPOS = ['pyfoundry/quickparse', 'tsworks/typed-fetch', 'gophers-united/fastcache', 'awesome-lists/awesome-testing', 'docsmith/handbook', 'appcraft/taskboard'] as const;

export async function seedExampleWorld(world: World): Promise<void> {
  const t = worldDates(world.clock.now());
  for (const [login, p] of Object.entries(PEOPLE)) world.addUser(login, { name: p.name, email: p.email });
  for (const org of ['pyfoundry', 'tsworks', 'gophers-united', 'awesome-lists', 'docsmith', 'appcraft']) world.addUser(org, { type: 'Organization' });

  const py = await world.addRepo({
    owner: 'pyfoundry', name: 'quickparse', description: 'Fast, forgiving parsing of config files for Python',
    stars: 2400, forks: 180, watchers: 60, topics: ['python', 'parser', 'config'], language: 'Python',
    languages: { Python: 52_000, Shell: 1_200 }, license: MIT, allowAutoMerge: true,
    releases: [{ tagName: 'v1.2.0', publishedAt: t('2025-03-01T12:00:00Z') }, { tagName: 'v1.3.0', publishedAt: t('2025-06-10T12:00:00Z') }],
    commits: [
      commit('alice', t('2024-01-10T10:00:00Z'), 'Initial commit', {
        'README.md': '# quickparse\n\nFast, forgiving config parsing.\n',
        'LICENSE': 'MIT License\n',
        'pyproject.toml': '[project]\nname = "quickparse"\nversion = "1.3.0"\nrequires-python = ">=3.9"\ndependencies = []\n\n[project.optional-dependencies]\ntest = ["pytest>=7"]\n',
        'quickparse/__init__.py': 'from .core import parse\n\n__all__ = ["parse"]\n',
        'quickparse/core.py': 'def parse(text: str) -> dict:\n    out = {}\n    for line in text.splitlines():\n        if "=" in line:\n            k, v = line.split("=", 1)\n            out[k.strip()] = v.strip()\n    return out\n',
      }),
      commit('bob', t('2025-02-14T09:30:00Z'), 'Add tests', { 'tests/test_core.py': 'from quickparse import parse\n\n\ndef test_parse():\n    assert parse("a = 1") == {"a": "1"}\n' }),
      commit('carol', t('2025-05-20T16:45:00Z'), 'Ignore comment lines', {
        'quickparse/core.py': 'def parse(text: str) -> dict:\n    out = {}\n    for line in text.splitlines():\n        if line.lstrip().startswith("#"):\n            continue\n        if "=" in line:\n            k, v = line.split("=", 1)\n            out[k.strip()] = v.strip()\n    return out\n',
      }),
      commit('alice', t('2025-06-10T11:00:00Z'), 'Release 1.3.0', { 'CHANGELOG.md': '## 1.3.0\n- comment lines are ignored\n' }),
    ],
  });
  world.addIssue(py, { title: 'parse() crashes on empty value', body: 'Calling `parse("a =")` raises IndexError.\n\nSteps: run `parse("a =")`.', user: 'dave', labels: ['bug'], assignees: ['carol'], createdAt: t('2025-06-01T08:00:00Z'), reactions: { '+1': 4, eyes: 1 }, comments: [{ user: 'carol', body: 'Confirmed, looking into it.', createdAt: t('2025-06-02T08:00:00Z'), authorAssociation: 'MEMBER' }] });
  world.addIssue(py, { title: 'Support inline comments after values', body: 'It would be nice if `a = 1  # note` yielded `1`.', user: 'erin', labels: ['feature'], createdAt: t('2025-06-03T10:00:00Z'), reactions: { '+1': 7, heart: 2 } });
  world.addIssue(py, { title: 'Document the return type of parse()', body: 'README does not say parse returns a dict of strings.', user: 'bob', labels: ['docs'], createdAt: t('2025-06-05T10:00:00Z'), authorAssociation: 'CONTRIBUTOR' });
  world.addIssue(py, { title: 'Rewrite in Rust?', body: 'Heated discussion.', user: 'erin', labels: ['feature'], locked: true, createdAt: t('2025-04-01T10:00:00Z'), comments: [{ user: 'dave', body: 'No.', createdAt: t('2025-04-02T10:00:00Z') }] });
  world.addIssue(py, { title: 'Values with "=" inside are split wrongly', body: '`parse("url = a=b")` should give `a=b`.', user: 'dave', labels: ['bug'], createdAt: t('2025-06-07T10:00:00Z'), comments: [{ user: 'erin', body: "I'm working on this, PR coming soon.", createdAt: t('2025-06-08T10:00:00Z') }] });
  const linked = world.addIssue(py, { title: 'Whitespace-only lines raise an error', body: 'A line with only spaces breaks parsing.', user: 'erin', labels: ['bug'], createdAt: t('2025-06-09T10:00:00Z') });
  if (py.gitDir) {
    const head = await resolveRef(py.gitDir, 'refs/heads/main');
    if (head) {
      const sha = await writeCommit(py.gitDir, head, { additions: [{ path: 'tests/test_blank.py', contents: Buffer.from('from quickparse import parse\n\n\ndef test_blank():\n    assert parse("   ") == {}\n') }], deletions: [] }, who('bob'), 'Test whitespace-only lines\n', t('2025-06-11T10:00:00Z'));
      await updateRef(py.gitDir, 'refs/heads/fix-blank-lines', sha);
      await createPull(world, py, { title: 'Handle whitespace-only lines', body: `Fixes #${linked.number}`, head: 'fix-blank-lines', base: 'main', user: 'bob' });
    }
  }

  await world.addRepo({
    owner: 'tsworks', name: 'typed-fetch', description: 'A tiny typed wrapper around fetch for TypeScript',
    stars: 5100, forks: 320, watchers: 110, topics: ['typescript', 'http', 'fetch'], language: 'TypeScript',
    languages: { TypeScript: 80_000, JavaScript: 4_000 }, license: MIT,
    releases: [{ tagName: 'v2.0.0', publishedAt: t('2025-05-01T00:00:00Z') }],
    commits: [
      commit('bob', t('2023-11-02T12:00:00Z'), 'Initial commit', {
        'README.md': '# typed-fetch\n',
        'package.json': JSON.stringify({ name: 'typed-fetch', version: '2.0.0', type: 'module', scripts: { test: 'node --test' }, devDependencies: { typescript: '^5.4.0' } }, null, 2) + '\n',
        'src/index.ts': 'export async function getJson<T>(url: string): Promise<T> {\n  const res = await fetch(url);\n  return (await res.json()) as T;\n}\n',
      }),
      commit('alice', t('2025-04-12T12:00:00Z'), 'Add CI workflow and tests', {
        '.github/workflows/ci.yml': 'name: ci\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci && npm test\n',
        'test/index.test.ts': "import { test } from 'node:test';\ntest('loads', () => {});\n",
      }),
      commit('bob', t('2025-06-15T12:00:00Z'), 'Throw on non-2xx responses', {
        'src/index.ts': 'export async function getJson<T>(url: string): Promise<T> {\n  const res = await fetch(url);\n  if (!res.ok) throw new Error(`HTTP ${res.status}`);\n  return (await res.json()) as T;\n}\n',
      }),
    ],
  }).then((r) => {
    world.addIssue(r, { title: 'getJson ignores AbortSignal', body: 'There is no way to pass a signal.', user: 'carol', labels: ['bug'], createdAt: t('2025-06-16T10:00:00Z') });
    world.addIssue(r, { title: 'Add retries', body: 'Retry on 503.', user: 'dave', labels: ['feature', 'help wanted'], createdAt: t('2025-06-17T10:00:00Z') });
  });

  await world.addRepo({
    owner: 'gophers-united', name: 'fastcache', description: 'An in-memory LRU cache for Go',
    stars: 870, forks: 45, watchers: 20, topics: ['go', 'cache', 'lru'], language: 'Go', license: APACHE,
    commits: [
      commit('dave', t('2024-03-01T09:00:00Z'), 'Initial commit', {
        'go.mod': 'module github.com/gophers-united/fastcache\n\ngo 1.22\n',
        'cache.go': 'package fastcache\n\ntype Cache struct{ items map[string][]byte }\n\nfunc New() *Cache { return &Cache{items: map[string][]byte{}} }\n',
        'cache_test.go': 'package fastcache\n\nimport "testing"\n\nfunc TestNew(t *testing.T) { if New() == nil { t.Fatal("nil") } }\n',
      }),
      commit('dave', t('2025-01-20T09:00:00Z'), 'Add Get and Set', { 'cache.go': 'package fastcache\n\ntype Cache struct{ items map[string][]byte }\n\nfunc New() *Cache { return &Cache{items: map[string][]byte{}} }\n\nfunc (c *Cache) Set(k string, v []byte) { c.items[k] = v }\n\nfunc (c *Cache) Get(k string) ([]byte, bool) { v, ok := c.items[k]; return v, ok }\n' }),
    ],
  }).then((r) => {
    world.addIssue(r, { title: 'Eviction is not implemented', body: 'The cache grows without bound.', user: 'alice', labels: ['bug'], createdAt: t('2025-02-01T10:00:00Z') });
  });

  await world.addRepo({
    owner: 'awesome-lists', name: 'awesome-testing', description: 'A curated list of testing tools', stars: 12000, forks: 900, watchers: 400,
    topics: ['awesome', 'awesome-list', 'testing'], language: null, languages: {}, license: { key: 'cc0-1.0', name: 'Creative Commons Zero v1.0 Universal', spdxId: 'CC0-1.0' },
    commits: [commit('erin', t('2022-05-05T10:00:00Z'), 'Start the list', { 'README.md': '# Awesome Testing\n\n- [pytest](https://pytest.org)\n' }), commit('erin', t('2025-03-03T10:00:00Z'), 'Add vitest', { 'README.md': '# Awesome Testing\n\n- [pytest](https://pytest.org)\n- [vitest](https://vitest.dev)\n' })],
  });

  await world.addRepo({
    owner: 'docsmith', name: 'handbook', description: 'Engineering handbook and docs site', stars: 150, forks: 30, watchers: 12,
    topics: ['documentation'], language: 'Markdown', license: { key: 'cc-by-4.0', name: 'Creative Commons Attribution 4.0 International', spdxId: 'CC-BY-4.0' },
    commits: [commit('carol', t('2024-08-08T10:00:00Z'), 'Docs skeleton', { 'docs/index.md': '# Handbook\n', 'mkdocs.yml': 'site_name: Handbook\n' })],
  }).then((r) => {
    world.addIssue(r, { title: 'Typo in index', body: 'Handbok -> Handbook', user: 'bob', labels: ['docs'], createdAt: t('2025-01-01T10:00:00Z') });
  });

  await world.addRepo({
    owner: 'appcraft', name: 'taskboard', description: 'A kanban board web application', stars: 640, forks: 70, watchers: 25,
    topics: ['kanban', 'webapp'], language: 'TypeScript', archived: false, license: null,
    commits: [commit('alice', t('2024-02-02T10:00:00Z'), 'Scaffold app', { 'package.json': JSON.stringify({ name: 'taskboard', private: true, dependencies: { 'typed-fetch': '^2.0.0' } }, null, 2) + '\n', 'src/app.ts': 'console.log("taskboard");\n', 'Dockerfile': 'FROM node:20\n' })],
  });
}

const LANGS = ['Python', 'TypeScript', 'Go', 'Rust', 'JavaScript', 'Java'];
const TOPICS = ['cli', 'web', 'parser', 'cache', 'testing', 'http', 'database', 'ml', 'security', 'devtools'];

/**
 * Adds `n` metadata-only repositories quickly. They share one small bare repository on disk,
 * so history, trees and clones still work for them.
 */
export async function generateSyntheticRepos(world: World, n: number, seed = 1): Promise<string[]> {
  const rand = seededRandom(seed);
  const t = worldDates(world.clock.now());
  const shared = path.join(world.gitRoot, '_shared', 'synthetic.git');
  await mkdir(path.dirname(shared), { recursive: true });
  if (!(await resolveRef(shared, 'refs/heads/main').catch(() => null))) {
    await buildBareRepo(shared, 'main', [
      commit('alice', t('2025-01-01T00:00:00Z'), 'Initial commit', { 'README.md': '# synthetic\n', 'LICENSE': 'MIT\n' }),
      commit('bob', t('2025-05-01T00:00:00Z'), 'Add tests', { 'tests/test_ok.txt': 'ok\n' }),
    ]);
  }
  const names: string[] = [];
  const base = Date.parse(t(WORLD_AUTHORED_AT));
  for (let i = 0; i < n; i++) {
    const owner = `synth-org-${i % 50}`;
    const name = `lib-${seed}-${i}`;
    const language = LANGS[Math.floor(rand() * LANGS.length)] ?? 'Python';
    const topicA = TOPICS[Math.floor(rand() * TOPICS.length)] ?? 'cli';
    const topicB = TOPICS[Math.floor(rand() * TOPICS.length)] ?? 'web';
    const stars = Math.floor(Math.pow(rand(), 3) * 50_000);
    const pushedAt = new Date(base - Math.floor(rand() * 730) * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const createdAt = new Date(Date.parse(pushedAt) - Math.floor(rand() * 2000) * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const repo = await world.addRepo({
      owner, name, description: `Synthetic ${language} library for ${topicA}`, stars, forks: Math.floor(stars / 12),
      watchers: Math.floor(stars / 40), topics: [...new Set([topicA, topicB])], language, license: MIT,
      archived: rand() < 0.03, createdAt, pushedAt, sharedGitDir: shared,
      syntheticContributors: [{ login: 'alice', contributions: 1 + Math.floor(rand() * 50) }, { login: 'bob', contributions: 1 + Math.floor(rand() * 10) }],
    });
    const issues = Math.floor(rand() * 4);
    for (let k = 0; k < issues; k++) world.addIssue(repo, { title: `Synthetic issue ${k} in ${name}`, body: 'Something is off.', user: 'dave', labels: [rand() < 0.5 ? 'bug' : 'feature'], createdAt: pushedAt });
    names.push(`${owner}/${name}`);
  }
  return names;
}
