// `npm run bench -- discovery [n]`: discover and fully score n (default 1,000) repositories
// from the GitHub stand-in into an embedded PostgreSQL, and report the GitHub cost per repository.
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrateUp } from '../src/db/migrate.js';
import { DOMAINS, parseDiscoveryQuery, type DiscoveryQuery } from '../src/discovery/domains.js';
import { baseSearchFor } from '../src/discovery/base-search.js';
import { refKey } from '../src/forge/types.js';
import { searchRepositories } from '../src/forge/github/search.js';
import { runDiscovery } from '../src/discovery/run.js';
import { CachedForgeReader, ForgeCache } from '../src/forge/cache.js';
import { createGitHubClient } from '../src/forge/github/client.js';
import { GitHubForgeReader } from '../src/forge/github/reader.js';
import { buildBareRepo, type FixtureCommit } from '../src/sim/github/gitops.js';
import { startGitHubStandIn, type Counters } from '../src/sim/github/server.js';
import type { World } from '../src/sim/github/world.js';
import { freePort } from '../src/util/ports.js';
import { startEmbeddedPostgres } from '../src/stack/postgres.js';

const DAY = 86_400_000;
const PEOPLE = ['alice', 'bob', 'carol', 'dave', 'erin', 'dependabot[bot]'];

/** A few shared git histories (manifests with inter-dependencies, CI, tests, recent commits) for variety. */
async function templates(world: World, now: number): Promise<string[]> {
  const dirs: string[] = [];
  const specs: Array<{ files: Record<string, string>; commits: number; authors: number }> = [
    { files: { 'package.json': JSON.stringify({ name: 'synth-core', dependencies: {} }), 'test/a.test.js': 'ok', '.github/workflows/ci.yml': 'on: push' }, commits: 30, authors: 4 },
    { files: { 'package.json': JSON.stringify({ name: 'synth-http', dependencies: { 'synth-core': '^1' } }), 'tests/x.js': 'ok' }, commits: 8, authors: 2 },
    { files: { 'package.json': JSON.stringify({ name: 'synth-app', private: true, dependencies: { 'synth-http': '^1', 'synth-core': '^1' } }), 'vercel.json': '{}' }, commits: 3, authors: 1 },
    { files: { 'pyproject.toml': '[project]\nname = "synth-py"\ndependencies = ["requests", "synth-num"]\n', 'tests/test_x.py': 'ok', '.github/workflows/t.yml': 'on: push' }, commits: 15, authors: 3 },
    { files: { 'pyproject.toml': '[project]\nname = "synth-num"\ndependencies = []\n' }, commits: 1, authors: 1 },
    { files: { 'go.mod': 'module github.com/synth/kit\n\ngo 1.22\n', 'kit_test.go': 'package kit' }, commits: 20, authors: 5 },
  ];
  for (const [i, s] of specs.entries()) {
    const commits: FixtureCommit[] = [{ author: { name: 'alice', email: 'alice@example.org' }, date: new Date(now - 400 * DAY).toISOString(), message: 'init', files: { 'README.md': `# t${i}\n`, ...s.files } }];
    for (let c = 0; c < s.commits; c++) {
      const who = PEOPLE[c % s.authors] ?? 'alice';
      commits.push({ author: { name: who, email: `${who.replace(/\W/g, '')}@example.org` }, date: new Date(now - (85 - c * 2) * DAY).toISOString(), message: `change ${c}`, files: { [`src/f${c}.txt`]: String(c) } });
    }
    const dir = path.join(world.gitRoot, '_bench', `t${i}.git`);
    await mkdir(path.dirname(dir), { recursive: true });
    await buildBareRepo(dir, 'main', commits);
    dirs.push(dir);
  }
  return dirs;
}

async function seed(world: World, n: number): Promise<void> {
  const now = Date.now();
  const dirs = await templates(world, now);
  const langs = ['Python', 'TypeScript', 'Go', 'Rust', 'JavaScript', 'Markdown'];
  let x = 12345;
  const rand = (): number => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < n; i++) {
    const stars = Math.floor(Math.pow(rand(), 3) * 50_000);
    const pushed = new Date(now - Math.floor(rand() * 300) * DAY).toISOString();
    const repo = await world.addRepo({
      owner: `bench-org-${i % 40}`, name: `lib-${i}`, description: rand() < 0.8 ? `A ${['parser', 'client', 'framework', 'dashboard app', 'tutorial'][i % 5]} library` : null,
      stars, forks: Math.floor(stars / 10), watchers: Math.floor(stars / 30), topics: ['bench'], language: langs[i % langs.length] ?? null,
      createdAt: new Date(now - (100 + Math.floor(rand() * 2000)) * DAY).toISOString(), pushedAt: pushed,
      sharedGitDir: dirs[i % dirs.length] ?? '', isTemplate: rand() < 0.02,
      releases: rand() < 0.6 ? [{ tagName: 'v1', publishedAt: new Date(now - Math.floor(rand() * 900) * DAY).toISOString() }] : [],
    });
    for (let k = 0; k < 3; k++) world.addIssue(repo, { title: `closed ${k}`, user: 'dave', state: 'closed', createdAt: new Date(now - 40 * DAY).toISOString(), closedAt: new Date(now - (40 - k * 10) * DAY).toISOString() });
  }
}

/**
 * Recall of the true top `top` (by stars, among repositories the query matches) when discovery
 * stops after `top` repositories: the share of the first `top` it yields that are at least as
 * starred as the world's top-th repository. Slices hold at most `sliceLimit` results (GitHub's
 * cap is 1,000), so a small world is sliced like a large one.
 */
async function recallOfTop(world: World, octokit: ReturnType<typeof createGitHubClient>, query: DiscoveryQuery, top: number, sliceLimit: number, now: Date): Promise<number> {
  const since = now.getTime() - query.pushedWithinDays * DAY;
  const eligible = world.visibleRepos().filter((r) => !r.archived && !r.isFork && r.stars >= query.minStars && Date.parse(r.pushedAt) >= since);
  const stars = new Map(eligible.map((r) => [refKey({ owner: r.owner, name: r.name }), r.stars]));
  const k = Math.min(top, eligible.length);
  const threshold = eligible.map((r) => r.stars).sort((a, b) => b - a)[k - 1] ?? 0;
  const found: string[] = [];
  for (const keywords of DOMAINS[query.domain]) {
    const result = await searchRepositories(octokit, baseSearchFor(query, keywords, now), { max: k - found.length, now }, sliceLimit);
    for await (const page of result.pages) found.push(...page.refs.map(refKey));
    if (found.length >= k) break;
  }
  const hits = found.slice(0, k).filter((key) => (stars.get(key) ?? -1) >= threshold).length;
  return k === 0 ? 1 : Math.min(hits, k) / k;
}

function total(c: Counters): number {
  return c.search + c.rest_read + c.rest_write + c.graphql_requests + c.git;
}

export default async function (args: string[]): Promise<void> {
  const n = Number(args[0] ?? 1000);
  const dir = mkdtempSync(path.join(tmpdir(), 'globallm-bench-discovery-'));
  const gh = await startGitHubStandIn({ limits: { graphql: 1_000_000, core: 1_000_000 } });
  const pgServer = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: await freePort(), database: 'globallm_bench', ephemeral: true });
  const pool = new pg.Pool({ connectionString: pgServer.url, max: 5 });
  pool.on('error', () => undefined);
  try {
    await migrateUp(pgServer.url);
    await seed(gh.world, n);
    const octokit = createGitHubClient({ baseUrl: gh.url, token: 'bench-token' });
    const forge = new CachedForgeReader(new GitHubForgeReader(octokit), new ForgeCache(pool));
    const query = parseDiscoveryQuery({ domain: 'overall', minStars: 0, pushedWithinDays: 3650 });
    gh.resetCounters();
    const t0 = performance.now();
    const summary = await runDiscovery({ pool, forge }, { query, max: n, now: new Date() });
    const wall = (performance.now() - t0) / 1000;
    const c = { ...gh.counters };
    const analyzed = summary.analyzed + summary.gone;
    const reqPerRepo = total(c) / analyzed;
    const pointsPerRepo = c.graphql_points / analyzed;
    const searchPerRepo = c.search / analyzed;
    const restPerRepo = (c.rest_read + c.rest_write) / analyzed;
    const perHour = Math.min(
      restPerRepo > 0 ? 5000 / restPerRepo : Infinity,
      searchPerRepo > 0 ? (30 * 60) / searchPerRepo : Infinity,
      pointsPerRepo > 0 ? 5000 / pointsPerRepo : Infinity,
    );
    const stored = await pool.query<{ n: string; approved: string; centrality: string }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE status = 'approved') AS approved,
              count(*) FILTER (WHERE (SELECT bool_or((t->>'key') = 'centrality' AND (t->>'weight')::float8 > 0) FROM jsonb_array_elements(impact_breakdown->'terms') t)) AS centrality
       FROM repositories WHERE health IS NOT NULL`);
    gh.resetCounters();
    await runDiscovery({ pool, forge }, { query, max: n, now: new Date() });
    const again = total(gh.counters);
    const top = Math.max(1, Math.floor(n / 10));
    const sliceLimit = Math.max(10, Math.floor(n / 20));
    const recall = await recallOfTop(gh.world, octokit, query, top, sliceLimit, new Date());
    const row = stored.rows[0];
    process.stdout.write(`repos_analyzed=${analyzed}\n`);
    process.stdout.write(`repos_stored_with_scores=${row?.n ?? 0}\n`);
    process.stdout.write(`repos_approved=${row?.approved ?? 0}\n`);
    process.stdout.write(`repos_with_centrality=${row?.centrality ?? 0}\n`);
    process.stdout.write(`graph_nodes=${summary.graph.graphNodes}\n`);
    process.stdout.write(`graphql_requests=${c.graphql_requests}\n`);
    process.stdout.write(`rest_requests=${c.rest_read + c.rest_write + c.search}\n`);
    process.stdout.write(`requests_per_repo=${reqPerRepo.toFixed(4)}\n`);
    process.stdout.write(`graphql_points_per_repo=${pointsPerRepo.toFixed(4)}\n`);
    process.stdout.write(`wall_s=${wall.toFixed(2)}\n`);
    process.stdout.write(`repos_per_hour_per_token=${Math.floor(perHour)}\n`);
    process.stdout.write(`requests_second_run_within_ttl=${again}\n`);
    process.stdout.write(`top_n=${top}\n`);
    process.stdout.write(`recall_slice_limit=${sliceLimit}\n`);
    process.stdout.write(`recall_top_n=${recall.toFixed(3)}\n`);
  } finally {
    await pool.end();
    await pgServer.stop();
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
