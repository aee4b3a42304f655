// A GitHub stand-in world for the quota bench: `repos` maintained Python libraries (tests, CI,
// recent commits, a release) sharing one git history, with `issues` open issues spread over them.
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { buildBareRepo, type FixtureCommit } from '../../src/sim/github/gitops.js';
import type { World } from '../../src/sim/github/world.js';

const DAY = 86_400_000;
const KINDS = ['crashes on empty input', 'wrong result for unicode names', 'docs example fails', 'slow on large files', 'missing type hints'];

async function template(world: World, now: number): Promise<string> {
  const commits: FixtureCommit[] = [{ author: { name: 'alice', email: 'alice@example.org' }, date: new Date(now - 400 * DAY).toISOString(), message: 'init', files: {
    'README.md': '# quotalib\n', 'pyproject.toml': '[project]\nname = "quotalib"\ndependencies = []\n', 'tests/test_core.py': 'def test_ok():\n    assert True\n',
    '.github/workflows/ci.yml': 'on: push\n', 'LICENSE': 'MIT License\n',
  } }];
  for (let c = 0; c < 12; c++) {
    const who = ['alice', 'bob', 'carol'][c % 3] ?? 'alice';
    commits.push({ author: { name: who, email: `${who}@example.org` }, date: new Date(now - (60 - c * 4) * DAY).toISOString(), message: `change ${c}`, files: { [`quotalib/m${c}.py`]: `X = ${c}\n` } });
  }
  const dir = path.join(world.gitRoot, '_bench', 'quotalib.git');
  await mkdir(path.dirname(dir), { recursive: true });
  await buildBareRepo(dir, 'main', commits);
  return dir;
}

export async function seedQuotaWorld(world: World, repos: number, issues: number): Promise<void> {
  const now = Date.now();
  const gitDir = await template(world, now);
  for (let i = 0; i < repos; i++) {
    const stars = 200 + ((i * 7919) % 5000);
    const repo = await world.addRepo({
      owner: `quota-org-${i % 10}`, name: `lib-${i}`, description: 'A parser library', stars, forks: Math.floor(stars / 10), watchers: Math.floor(stars / 30),
      topics: ['parser'], language: 'Python', createdAt: new Date(now - 900 * DAY).toISOString(), pushedAt: new Date(now - 2 * DAY).toISOString(),
      sharedGitDir: gitDir, releases: [{ tagName: 'v1', publishedAt: new Date(now - 30 * DAY).toISOString() }],
    });
    const share = Math.floor(issues / repos) + (i < issues % repos ? 1 : 0);
    for (let k = 0; k < share; k++) {
      world.addIssue(repo, { title: `${KINDS[k % KINDS.length] ?? 'bug'} (${k})`, body: `Steps to reproduce ${k}: call parse() and see it fail.`, user: 'dave', labels: ['bug'], createdAt: new Date(now - (k % 50) * DAY).toISOString() });
    }
  }
}
