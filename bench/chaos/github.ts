import { startGitHubStandIn, type GitHubStandIn } from '../../src/sim/github/server.js';
import { runGit } from '../../src/git/run.js';
import type { FixtureCommit } from '../../src/sim/github/gitops.js';
import { BYTEFMT, SLUGKIT } from '../../src/examples/files.js';
import { renamed } from './repos.js';

const AUTHORS = [['Dana Ruiz', 'dana@example.org'], ['Eli Park', 'eli@example.org'], ['Finn Shaw', 'finn@example.org']] as const;
const OWNERS = 5;
const DAY_MS = 86_400_000;

/** What the GitHub stand-in does wrong in a chaos run. */
export const GITHUB_FAULTS = {
  /** Share of API requests answered 500, 502 or a secondary rate limit with `Retry-After`. */
  rate: 0.03,
  retryAfterS: 2,
  /** The first commits answered 422. */
  refuseCommits: 1,
  /** The first fork takes this long to appear. */
  slowForkMs: 60_000,
} as const;

export interface ChaosGitHub {
  sim: GitHubStandIn;
  /** `owner/name` of each seeded repository, one fixable issue (#1) each. */
  repos: string[];
}

/** One commit per file, by several authors, over the last months (so the health filters see a living project). */
function history(files: Record<string, string>, now: number): FixtureCommit[] {
  const paths = Object.keys(files);
  return paths.map((path, i) => {
    const [name, email] = AUTHORS[i % AUTHORS.length] as readonly [string, string];
    return { author: { name, email }, date: new Date(now - (paths.length - i) * 9 * DAY_MS).toISOString(), message: `Add ${path}`, files: { [path]: files[path] as string } };
  });
}

/**
 * The GitHub stand-in holding `count` repositories (copies of the example libraries, each with
 * its one fixable bug as issue #1) spread over a few organisations, with the seed's faults.
 */
export async function startChaosGitHub(seed: number, count: number): Promise<ChaosGitHub> {
  const sim = await startGitHubStandIn({
    seedWorld: false,
    limits: { secondaryRetryAfterSec: GITHUB_FAULTS.retryAfterS },
    faults: { seed, rate: GITHUB_FAULTS.rate, kinds: ['500', '502', 'abuse403'], refuseCommits: GITHUB_FAULTS.refuseCommits, slowForks: { count: 1, delayMs: GITHUB_FAULTS.slowForkMs } },
  });
  const now = Date.now();
  const repos: string[] = [];
  for (let k = 0; k < OWNERS; k++) sim.world.addUser(`chaoslab-${k}`, { type: 'Organization' });
  for (let i = 0; i < count; i++) {
    const slug = i % 2 === 0;
    const owner = `chaoslab-${i % OWNERS}`;
    const name = `${slug ? 'slugkit' : 'bytefmt'}-${String(i).padStart(3, '0')}`;
    const repo = await sim.world.addRepo({
      owner, name, description: slug ? 'URL slugs from titles' : 'Human-readable byte sizes',
      stars: 200 + i, forks: 10, watchers: 5, topics: ['javascript', 'library'], language: 'JavaScript',
      license: { key: 'mit', name: 'MIT License', spdxId: 'MIT' }, commits: history(renamed(slug ? SLUGKIT : BYTEFMT, name), now),
    });
    const issue = slug
      ? { title: 'slugify leaves repeated dashes', body: "`slugify('Hello,  World!')` returns `hello---world-` in src/slug.js; expected `hello-world`. Runs of separators should collapse and the ends should be trimmed." }
      : { title: 'formatBytes(1024) prints 1024 B', body: 'Exactly 1024 bytes should be `1 KiB`, but src/format.js compares with `>` instead of `>=`.' };
    sim.world.addIssue(repo, { ...issue, user: 'dana', labels: ['bug'], createdAt: new Date(now - 20 * DAY_MS).toISOString(), reactions: { '+1': 3 } });
    repos.push(`${owner}/${name}`);
  }
  return { sim, repos };
}

/**
 * Pull requests and commits beyond one per issue, as the stand-in holds them: pull requests on
 * each seeded repository by the issue they fix, and commits beyond one on each `globallm/` branch
 * of the bot's forks.
 */
export async function githubDuplicates(gh: ChaosGitHub): Promise<{ prs: number; commits: number }> {
  let prs = 0;
  let commits = 0;
  for (const full of gh.repos) {
    const [owner = '', name = ''] = full.split('/');
    const repo = gh.sim.world.raw(owner, name);
    const perIssue = new Map<string, number>();
    for (const pull of repo?.issues.filter((i) => i.pull) ?? []) {
      const fixes = /\b(?:fix(?:e[sd])?|close[sd]?|resolve[sd]?)\s+#(\d+)/i.exec(pull.body ?? '')?.[1] ?? `pull ${pull.number}`;
      perIssue.set(fixes, (perIssue.get(fixes) ?? 0) + 1);
    }
    for (const n of perIssue.values()) prs += n - 1;
  }
  for (const fork of gh.sim.world.repos.values()) {
    if (!fork.isFork || !fork.gitDir) continue;
    const branches = (await runGit(['for-each-ref', '--format=%(refname:short)', 'refs/heads/globallm/'], { cwd: fork.gitDir })).split('\n').filter(Boolean);
    for (const b of branches) commits += Math.max(0, Number((await runGit(['rev-list', '--count', `${fork.defaultBranch}..${b}`], { cwd: fork.gitDir })).trim()) - 1);
  }
  return { prs, commits };
}

/** Deletes a seeded repository that has no pull request yet (a seeded pick); undefined when none is left. */
export function deleteOpenRepo(gh: ChaosGitHub, rnd: () => number): string | undefined {
  const open = gh.repos.filter((full) => {
    const [owner = '', name = ''] = full.split('/');
    const r = gh.sim.world.raw(owner, name);
    return r && !r.vanished && !r.issues.some((i) => i.pull);
  });
  const pick = open[Math.floor(rnd() * open.length)];
  if (pick === undefined) return undefined;
  const [owner = '', name = ''] = pick.split('/');
  gh.sim.world.vanish(owner, name);
  return pick;
}
