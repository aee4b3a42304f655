import { parseManifest } from '../../src/ecosystem/manifests/index.js';
import type { ParsedManifest } from '../../src/ecosystem/schema.js';
import { RepositorySignals } from '../../src/scoring/signals.js';

export const NOW = new Date('2026-06-01T00:00:00Z');

function daysAgo(n: number): string {
  return new Date(NOW.getTime() - n * 86_400_000).toISOString();
}

function manifest(path: string, text: string): ParsedManifest {
  const m = parseManifest(path, text);
  if (m === null) throw new Error(`not a manifest: ${path}`);
  return m;
}

/** A healthy, busy repository; each fixture overrides what makes it what it is. */
const base: RepositorySignals = {
  owner: 'example', name: 'example', description: null, topics: [], primaryLanguage: 'Python',
  languages: { Python: 100_000 }, stars: 1000, forks: 100, watchers: 50, openIssues: 20, closedIssues: 180,
  isArchived: false, isDisabled: false, isFork: false, isTemplate: false,
  pushedAt: daysAgo(2), createdAt: daysAgo(3000), license: 'MIT', topLevelFiles: ['README.md'],
  hasWorkflows: true, defaultBranchCheckState: 'SUCCESS', commitsLast90d: 120,
  commitAuthorsLast90d: { alice: 40, bob: 30, carol: 25, dave: 25 }, issueCloseDurationsDays: [1, 3, 5, 8, 20],
  latestReleaseAt: daysAgo(30), manifests: [], testsPresent: false, testFramework: null,
};

export function repo(overrides: Partial<RepositorySignals>): RepositorySignals {
  return RepositorySignals.parse({ ...base, ...overrides });
}

export const numpyLike = repo({
  owner: 'numpy', name: 'numpy', description: 'The fundamental package for scientific computing with Python.',
  topics: ['python', 'numpy', 'scientific-computing'], stars: 29_000, forks: 10_000, watchers: 600,
  topLevelFiles: ['.github', 'numpy', 'doc', 'benchmarks', 'pyproject.toml', 'meson.build', 'README.md', 'LICENSE.txt'],
  manifests: [manifest('pyproject.toml', '[project]\nname = "numpy"\ndependencies = []\n[project.optional-dependencies]\ntest = ["pytest>=7", "hypothesis"]\n')],
  testsPresent: true,
});

export const awesomeList = repo({
  owner: 'vinta', name: 'awesome-python', description: 'An opinionated list of awesome Python frameworks, libraries, software and resources.',
  topics: ['awesome', 'python', 'collections'], primaryLanguage: 'Python', languages: { Python: 20_000 },
  topLevelFiles: ['README.md', 'sort.py', 'Makefile'], hasWorkflows: false, defaultBranchCheckState: null,
});

export const docsSite = repo({
  owner: 'mdn', name: 'content', description: 'The official source for MDN Web Docs content.',
  topics: ['documentation', 'mdn', 'web'], primaryLanguage: 'Markdown', languages: { Markdown: 9_000_000, JavaScript: 10_000 },
  topLevelFiles: ['files', 'package.json', 'README.md'],
  manifests: [manifest('package.json', '{"name":"@mdn/content","private":true,"devDependencies":{"prettier":"^3"}}')],
});

export const nextApp = repo({
  owner: 'acme', name: 'shop-dashboard', description: 'Admin dashboard web app for our shop, built with Next.js',
  topics: ['nextjs', 'dashboard'], primaryLanguage: 'TypeScript', languages: { TypeScript: 300_000 },
  topLevelFiles: ['app', 'public', 'next.config.mjs', 'package.json', 'tsconfig.json', 'README.md'],
  manifests: [manifest('package.json', '{"name":"shop-dashboard","private":true,"dependencies":{"next":"15","react":"19"},"devDependencies":{"vitest":"^3"}}')],
});

export const forked = repo({ owner: 'someone', name: 'requests', isFork: true, description: 'A simple HTTP library for Python' });

export const archived = repo({
  owner: 'old', name: 'left-pad', description: 'String left pad library', primaryLanguage: 'JavaScript', isArchived: true,
  topLevelFiles: ['package.json', 'index.js', 'test.js'], manifests: [manifest('package.json', '{"name":"left-pad"}')],
});

export const cpython = repo({
  owner: 'python', name: 'cpython', description: 'The Python programming language', primaryLanguage: 'Python',
  topLevelFiles: ['Lib', 'Modules', 'Objects', 'Python', 'configure', 'Makefile.pre.in', 'README.rst'], stars: 65_000, testsPresent: true,
});

export const goLibrary = repo({
  owner: 'spf13', name: 'cobra', description: 'A Commander for modern Go CLI interactions', primaryLanguage: 'Go', languages: { Go: 500_000 },
  topics: ['go', 'cli', 'golang'],
  topLevelFiles: ['go.mod', 'go.sum', 'command.go', 'command_test.go', 'README.md'],
  manifests: [manifest('go.mod', 'module github.com/spf13/cobra\n\ngo 1.15\n\nrequire (\n\tgithub.com/spf13/pflag v1.0.5\n\tgopkg.in/yaml.v3 v3.0.1 // indirect\n)\n')],
});

/** A brand-new, empty repository: no commits, issues, releases or CI. */
export const emptyNew = repo({
  owner: 'new', name: 'thing', createdAt: daysAgo(3), pushedAt: null, primaryLanguage: null, languages: {}, stars: 0, forks: 0, watchers: 0,
  openIssues: 0, closedIssues: 0, hasWorkflows: false, defaultBranchCheckState: null, commitsLast90d: 0, commitAuthorsLast90d: {},
  issueCloseDurationsDays: [], latestReleaseAt: null, topLevelFiles: [],
});
