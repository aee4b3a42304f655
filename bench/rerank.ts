// `npm run bench -- rerank [issues] [repositories]`: re-ranks a million issues (90% open) over
// 10,000 repositories inside an embedded PostgreSQL: one statement computes every open issue's
// priority and breakdown into a fresh UNLOGGED table, its indexes are built and it is swapped in
// for issue_ranks. Prints wall time and CPU: `_backend_cpu_s` is the backend that ran it,
// `_server_cpu_s` every PostgreSQL process (parallel workers included), so a machine busy with
// other work does not hide the re-rank's own cost.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateUp } from '../src/db/migrate.js';
import { listRankedIssues } from '../src/prioritize/list.js';
import { rerankOpenIssues } from '../src/prioritize/rerank.js';
import { IssueCategory } from '../src/scoring/categories.js';
import { startEmbeddedPostgres } from '../src/stack/postgres.js';
import { freePort } from '../src/util/ports.js';

function positiveInt(arg: string | undefined, fallback: number): number {
  if (arg === undefined) return fallback;
  const n = Number(arg);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`expected a positive integer, got ${arg}`);
  return n;
}

/** Repositories with varied health/impact (some unscored) and issues spread over them, all in SQL. */
export async function seedIssues(pool: pg.Pool, issues: number, repositories: number): Promise<void> {
  await pool.query(
    `INSERT INTO repositories (forge, owner, name, language, stars, status, health, impact)
     SELECT 'github', 'owner' || g, 'repo' || g, (ARRAY['Python','TypeScript','Go','Rust'])[1 + g % 4], (g * 37) % 50000, 'approved',
            CASE WHEN g % 17 = 0 THEN NULL ELSE ((g * 7919) % 1000) / 1000.0 END,
            CASE WHEN g % 23 = 0 THEN NULL ELSE ((g * 104729) % 1000) / 1000.0 END
     FROM generate_series(1, $1::int) AS g`,
    [repositories],
  );
  const categories = [...IssueCategory.options, 'unknown-label'];
  await pool.query(
    `INSERT INTO issues (repository_id, number, title, labels, comments, reactions, created_at, updated_at, state, category, complexity, solvability)
     SELECT r.first_id + (g % $2::int), g, 'Issue ' || g, '{}', (g * 31) % 120, (g * 17) % 300,
            now() - make_interval(secs => (g * 7901) % (3 * 365 * 86400)), now(),
            CASE WHEN g % 10 = 0 THEN 'closed' ELSE 'open' END,
            CASE WHEN g % 29 = 0 THEN NULL ELSE ($3::text[])[1 + g % $4::int] END,
            CASE WHEN g % 5 = 0 THEN NULL ELSE 1 + g % 10 END,
            CASE WHEN g % 3 = 0 THEN NULL ELSE ((g * 613) % 1000) / 1000.0 END
     FROM generate_series(1::bigint, $1::bigint) AS g, (SELECT min(id) AS first_id FROM repositories) AS r`,
    [issues, repositories, categories, categories.length],
  );
  await pool.query('VACUUM ANALYZE repositories');
  await pool.query('VACUUM ANALYZE issues');
}

/** /proc/<pid>/stat fields after the command name (Linux). */
function statFields(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
  } catch {
    return undefined;
  }
}
const ticks = (fields: string[], ...idx: number[]): number => idx.reduce((s, i) => s + Number(fields[i] ?? 0), 0) / 100; // USER_HZ = 100

/** CPU seconds one PostgreSQL backend has used (utime + stime). */
function backendCpuSeconds(pid: number): number | undefined {
  const f = statFields(pid);
  return f ? ticks(f, 11, 12) : undefined;
}

/**
 * CPU seconds of the whole server: the postmaster with its reaped children (exited parallel
 * workers land in its cutime/cstime) plus every live child (backends, writers, workers).
 */
function serverCpuSeconds(postmaster: number): number | undefined {
  const own = statFields(postmaster);
  if (!own) return undefined;
  let total = ticks(own, 11, 12, 13, 14);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (f && Number(f[1]) === postmaster) total += ticks(f, 11, 12);
  }
  return total;
}

async function timed(pool: pg.Pool, name: string, run: () => Promise<unknown>): Promise<void> {
  const pid = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
  const postmaster = Number(statFields(pid)?.[1] ?? 0);
  const [cpu0, server0] = [backendCpuSeconds(pid), serverCpuSeconds(postmaster)];
  const t = performance.now();
  await run();
  const wall = (performance.now() - t) / 1000;
  const [cpu1, server1] = [backendCpuSeconds(pid), serverCpuSeconds(postmaster)];
  const base = name.replace(/_s$/, '');
  process.stdout.write(`${name}=${wall.toFixed(2)}\n`);
  if (cpu0 !== undefined && cpu1 !== undefined) process.stdout.write(`${base}_backend_cpu_s=${(cpu1 - cpu0).toFixed(2)}\n`);
  if (server0 !== undefined && server1 !== undefined) process.stdout.write(`${base}_server_cpu_s=${(server1 - server0).toFixed(2)}\n`);
}

export default async function (args: string[]): Promise<void> {
  const numbers = args;
  const issues = positiveInt(numbers[0], 1_000_000);
  const repositories = positiveInt(numbers[1], 10_000);
  const dir = mkdtempSync(join(tmpdir(), 'globallm-bench-rerank-'));
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), database: 'globallm_bench', ephemeral: true });
  const pool = new pg.Pool({ connectionString: server.url, max: 1, idleTimeoutMillis: 0 });
  pool.on('error', () => { /* idle clients die with the server at the end */ });
  try {
    await migrateUp(server.url);
    const t = performance.now();
    await seedIssues(pool, issues, repositories);
    process.stdout.write(`seed_s=${((performance.now() - t) / 1000).toFixed(2)}\n`);
    const open = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM issues WHERE state = 'open'`);
    process.stdout.write(`issues=${issues}\nopen_issues=${open.rows[0]?.n ?? 0}\nrepositories=${repositories}\n`);
    // max: 1, so the timed statements run on the backend whose CPU time is read.
    await timed(pool, 'rerank_1m_s', () => rerankOpenIssues(pool));
    // Again, replacing an existing ranking (the steady state of a periodic re-rank).
    await timed(pool, 'rerank_again_s', () => rerankOpenIssues(pool, { now: new Date(Date.now() + 3_600_000) }));
    // Without parallel workers: all the work on one backend.
    await timed(pool, 'rerank_serial_s', () => rerankOpenIssues(pool, { now: new Date(Date.now() + 7_200_000), parallelWorkers: 0 }));
    const t2 = performance.now();
    await listRankedIssues(pool, { limit: 20, explain: true });
    process.stdout.write(`list_top20_explain_ms=${(performance.now() - t2).toFixed(1)}\n`);
    const size = await pool.query<{ ranks: string; issues: string }>(`SELECT pg_total_relation_size('issue_ranks') AS ranks, pg_total_relation_size('issues') AS issues`);
    process.stdout.write(`issue_ranks_mb=${(Number(size.rows[0]?.ranks ?? 0) / 1048576).toFixed(0)}\nissues_table_mb=${(Number(size.rows[0]?.issues ?? 0) / 1048576).toFixed(0)}\n`);
  } finally {
    await pool.end();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
