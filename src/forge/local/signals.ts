import { isManifestPath, parseManifest } from '../../ecosystem/manifests/index.js';
import { packageKey } from '../../ecosystem/names.js';
import type { ParsedManifest } from '../../ecosystem/schema.js';
import { MAX_MANIFEST_BYTES } from '../../ecosystem/manifests/result.js';
import { RepositorySignals } from '../../scoring/signals.js';
import { runGit, tryGit } from '../../git/run.js';
import type { LocalIssue } from './issues-file.js';

const DAY_MS = 86_400_000;
const SEP = '\x1f';

const EXTENSIONS: Record<string, string> = {
  py: 'Python', ts: 'TypeScript', tsx: 'TypeScript', js: 'JavaScript', mjs: 'JavaScript', cjs: 'JavaScript', jsx: 'JavaScript',
  go: 'Go', rs: 'Rust', java: 'Java', kt: 'Kotlin', rb: 'Ruby', php: 'PHP', c: 'C', h: 'C', cc: 'C++', cpp: 'C++', hpp: 'C++',
  cs: 'C#', swift: 'Swift', scala: 'Scala', ex: 'Elixir', exs: 'Elixir', dart: 'Dart', lua: 'Lua', zig: 'Zig', hs: 'Haskell',
};
const TEST_PATH = /(^|\/)(tests?|spec|specs|__tests__)\/|(_test\.go|_test\.py|(^|\/)test_[^/]*\.py|\.test\.[cm]?[jt]sx?|\.spec\.[cm]?[jt]sx?|_spec\.rb)$/i;
const TEST_DIRS = new Set(['test', 'tests', 'spec', 'specs', '__tests__']);

export interface LocalFacts {
  /** Everything but the dependents count, which needs the sibling repositories. */
  signals: RepositorySignals;
}

function iso(s: string | undefined): string | null {
  if (!s) return null;
  const t = Date.parse(s.trim());
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

async function manifestsAtHead(dir: string, topLevel: readonly string[]): Promise<ParsedManifest[]> {
  const out: ParsedManifest[] = [];
  for (const file of topLevel.filter(isManifestPath).slice(0, 50)) {
    const size = await tryGit(['cat-file', '-s', `HEAD:${file}`], { cwd: dir });
    if (size === null || Number(size.trim()) > MAX_MANIFEST_BYTES) continue;
    const text = await tryGit(['show', `HEAD:${file}`], { cwd: dir });
    const m = text === null ? null : parseManifest(file, text);
    if (m) out.push(m);
  }
  return out;
}

function descriptionFrom(readme: string | null): string | null {
  if (readme === null) return null;
  const line = readme.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#') && !l.startsWith('!['));
  return line ? line.slice(0, 500) : null;
}

/**
 * Signals of a local repository from its git history alone: commit velocity, authors (by
 * e-mail) and dates from `git log`; files, manifests, tests and workflows from HEAD; issue
 * counts from the local issues file. Stars, forks and watchers do not exist here (0).
 */
export async function localSignals(dir: string, owner: string, name: string, issues: readonly LocalIssue[], now: Date): Promise<RepositorySignals> {
  const hasHead = (await tryGit(['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: dir })) !== null;
  const since = new Date(now.getTime() - 90 * DAY_MS).toISOString();
  const recent = hasHead ? await runGit(['log', `--since=${since}`, `--format=%H${SEP}%ae${SEP}%aI`, 'HEAD'], { cwd: dir }) : '';
  const authors: Record<string, number> = {};
  let commits = 0;
  for (const line of recent.split('\n')) {
    const [sha, email] = line.split(SEP);
    if (!sha || email === undefined) continue;
    commits += 1;
    const who = email.toLowerCase() || 'unknown';
    authors[who] = (authors[who] ?? 0) + 1;
  }
  const roots = hasHead ? (await runGit(['rev-list', '--max-parents=0', 'HEAD'], { cwd: dir })).split('\n').filter(Boolean) : [];
  const firstDates = await Promise.all(roots.map(async (r) => iso(await runGit(['log', '-1', '--format=%aI', r], { cwd: dir }))));
  const createdAt = firstDates.filter((d): d is string => d !== null).sort()[0] ?? now.toISOString();
  const pushedAt = hasHead ? iso(await runGit(['log', '-1', '--format=%cI', 'HEAD'], { cwd: dir })) : null;
  const topLevel = hasHead ? (await runGit(['ls-tree', '--name-only', 'HEAD'], { cwd: dir })).split('\n').filter(Boolean) : [];
  const tree = hasHead ? (await runGit(['ls-tree', '-r', '-l', 'HEAD'], { cwd: dir })).split('\n').filter(Boolean) : [];
  const languages: Record<string, number> = {};
  let testsPresent = topLevel.some((f) => TEST_DIRS.has(f.toLowerCase()));
  for (const line of tree) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const file = line.slice(tab + 1);
    const size = Number(line.slice(0, tab).trim().split(/\s+/)[3]);
    const lang = EXTENSIONS[(file.split('.').pop() ?? '').toLowerCase()];
    if (lang && Number.isFinite(size)) languages[lang] = (languages[lang] ?? 0) + size;
    if (!testsPresent && TEST_PATH.test(file)) testsPresent = true;
  }
  const primaryLanguage = Object.entries(languages).sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  const workflows = hasHead ? await tryGit(['ls-tree', '--name-only', 'HEAD:.github/workflows'], { cwd: dir }) : null;
  const tag = await tryGit(['for-each-ref', '--sort=-creatordate', '--count=1', '--format=%(creatordate:iso-strict)', 'refs/tags'], { cwd: dir });
  const readmeName = topLevel.find((f) => /^readme(\.(md|rst|txt))?$/i.test(f));
  const readme = readmeName ? await tryGit(['show', `HEAD:${readmeName}`], { cwd: dir }) : null;
  const real = issues.filter((i) => !i.pullRequest);
  const closed = real.filter((i) => i.state === 'closed');
  return RepositorySignals.parse({
    owner, name,
    description: descriptionFrom(readme),
    topics: [],
    primaryLanguage,
    languages,
    stars: 0, forks: 0, watchers: 0,
    openIssues: real.length - closed.length,
    closedIssues: closed.length,
    isArchived: false, isDisabled: false, isFork: false, isTemplate: false,
    pushedAt,
    createdAt,
    license: null,
    topLevelFiles: topLevel.slice(0, 5000),
    hasWorkflows: (workflows ?? '').split('\n').some((f) => /\.ya?ml$/i.test(f)),
    defaultBranchCheckState: null,
    commitsLast90d: commits,
    commitAuthorsLast90d: authors,
    issueCloseDurationsDays: closed.flatMap((i) => (i.closedAt ? [Math.max(0, (Date.parse(i.closedAt) - Date.parse(i.createdAt)) / DAY_MS)] : [])).slice(0, 10_000),
    latestReleaseAt: iso(tag ?? undefined),
    manifests: await manifestsAtHead(dir, topLevel),
    testsPresent,
    testFramework: null,
    dependents: null,
  });
}

/** How many OTHER repositories of the organisation depend (runtime/peer) on what `repo` publishes. */
export function internalDependents(repo: string, manifestsByRepo: ReadonlyMap<string, readonly ParsedManifest[]>): number {
  const own = new Set((manifestsByRepo.get(repo) ?? []).flatMap((m) => (m.publishes === null ? [] : [packageKey(m.ecosystem, m.publishes)])));
  if (own.size === 0) return 0;
  let n = 0;
  for (const [other, manifests] of manifestsByRepo) {
    if (other === repo) continue;
    if (manifests.some((m) => m.dependencies.some((d) => (d.kind === 'runtime' || d.kind === 'peer') && own.has(packageKey(d.ecosystem, d.name))))) n += 1;
  }
  return n;
}
