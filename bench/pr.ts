// `npm run bench -- pr`: opens draft PRs that change 1, 5 and 20 files against the GitHub stand-in
// through the real client and the full contribute pipeline (PostgreSQL rows, shared write budget),
// and counts the requests each PR costs. Writes = REST writes + GraphQL mutations, as GitHub's
// content-creation limit counts them. Each size is measured twice: with no fork yet (the fork is
// created and waited for) and with the fork already there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { checkConsent, DEFAULT_CAPS } from '../src/contribute/check-consent.js';
import { openPullRequest } from '../src/contribute/contribute.js';
import { migrateUp } from '../src/db/migrate.js';
import { createGitHubClient } from '../src/forge/github/client.js';
import { GitHubWriter } from '../src/forge/github/writer.js';
import { startGitHubStandIn } from '../src/sim/github/server.js';
import { freePort } from '../src/util/ports.js';
import { startEmbeddedPostgres } from '../src/stack/postgres.js';
import { PgWriteBudget } from '../src/budget/write-budget.js';

const SIZES = [1, 5, 20] as const;

export default async function (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'globallm-bench-pr-'));
  const gh = await startGitHubStandIn({ limits: { forkDelayMs: 200 }, seedWorld: false });
  const pgs = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), database: 'globallm_bench', ephemeral: true });
  const pool = new pg.Pool({ connectionString: pgs.url, max: 4 });
  try {
    await migrateUp(pgs.url);
    const author = { name: 'Alice', email: 'alice@example.org' };
    for (const name of ['forked', ...SIZES.map((n) => `fresh-${n}`)]) {
      const repo = await gh.world.addRepo({ owner: 'benchorg', name, commits: [{ author, date: '2025-01-01T00:00:00Z', message: 'init', files: { 'README.md': '# bench\n', 'src/a.py': 'a = 1\n' } }] });
      for (const n of SIZES) gh.world.addIssue(repo, { title: `Needs ${n} file(s) changed`, user: 'dave' });
    }
    const octokit = createGitHubClient({ baseUrl: gh.url, token: 'bench-token', maxInlineWaitSeconds: 0 });
    let mutations = 0;
    octokit.hook.before('request', (options) => {
      const q = (options as { query?: unknown }).query;
      if (String(options.url).endsWith('/graphql') && typeof q === 'string' && /^\s*mutation\b/.test(q)) mutations += 1;
    });
    const writer = new GitHubWriter({ octokit, budget: new PgWriteBudget(pool, { account: 'github:globallm-bot' }) });
    const deps = { pool, forge: writer, caps: { ...DEFAULT_CAPS, maxOpenPrsPerRepo: 10, maxOpenPrsPerOwner: 20 } };
    // The "forked" repository gets its fork before measuring.
    await writer.ensureFork({ owner: 'benchorg', name: 'forked' }, { intervalMs: 50 });

    const measure = async (name: string, n: number, issue: number): Promise<{ writes: number; total: number; consent: number }> => {
      const repo = { owner: 'benchorg', name };
      gh.resetCounters();
      await checkConsent(deps, repo, { number: issue });
      const consent = gh.counters.graphql_requests + gh.counters.rest_read;
      gh.resetCounters();
      const m0 = mutations;
      const result = await openPullRequest(deps, {
        forge: 'github', repo, issue: { number: issue, title: `Needs ${n} file(s) changed`, category: 'bug' },
        files: Array.from({ length: n }, (_, i) => ({ path: `src/changed_${i}.py`, after: `value = ${i}\n` })),
        summary: 'Benchmark change.', evidence: { failedBefore: ['t'], passedAfter: ['t'], newTests: [] },
        disclosure: { model: 'bench', inputTokens: 1, outputTokens: 1, costUsd: 0 },
      }, { wait: { intervalMs: 50 } });
      if (result.status !== 'opened') throw new Error(`expected a PR for ${name}#${issue}, got ${result.status}`);
      const c = gh.counters;
      return { writes: c.rest_write + (mutations - m0), total: c.rest_read + c.rest_write + c.graphql_requests + c.search, consent };
    };

    for (const [i, n] of SIZES.entries()) {
      const fresh = await measure(`fresh-${n}`, n, i + 1);
      const forked = await measure('forked', n, i + 1);
      process.stdout.write(`write_requests_per_pr_${n}=${Math.max(fresh.writes, forked.writes)}\n`);
      process.stdout.write(`write_requests_per_pr_${n}_fork_existing=${forked.writes}\n`);
      process.stdout.write(`write_requests_per_pr_${n}_fork_created=${fresh.writes}\n`);
      process.stdout.write(`requests_per_pr_${n}_fork_existing=${forked.total}\n`);
      process.stdout.write(`requests_per_pr_${n}_fork_created=${fresh.total}\n`);
      process.stdout.write(`consent_requests_per_pr_${n}=${forked.consent}\n`);
    }
    process.stdout.write('reference_write_requests_per_pr=12+N\n');
  } finally {
    await pool.end();
    await Promise.allSettled([gh.close(), pgs.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}
