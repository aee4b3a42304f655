// `npm run bench -- cli [runs]`: median wall time and peak memory of the built CLI, each as a
// ratio to `node -e 0` measured in the same run: `globallm --help`, `globallm status --json`
// against a running stack, and `globallm validate` on a tiny repository against the same three
// test runs without the CLI: in the same sandbox (`validate_ratio`) and run plainly
// (`validate_plain_ratio`). Peak memory comes from GNU time (`/usr/bin/time`).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExampleRepos } from '../src/examples/create.js';
import { runGit } from '../src/git/run.js';
import { BubblewrapSandbox } from '../src/sandbox/bubblewrap.js';
import type { Sandbox } from '../src/sandbox/sandbox.js';
import { freePort } from '../src/util/ports.js';
import { projectRoot } from '../src/util/project-root.js';
import { buildCli } from '../scripts/build-cli.js';

const bin = join(projectRoot, 'bin', 'globallm.js');
const GNU_TIME = '/usr/bin/time';
const TEST_CMD = ['node', '--test', 'test/'];

interface Sample { wallS: number; peakMiB: number | undefined; code: number | null }

/** Runs argv to completion; wall time from here, peak RSS (largest process) from GNU time. */
function measure(argv: string[], env: NodeJS.ProcessEnv = process.env, cwd = projectRoot): Sample {
  const rssFile = join(tmpdir(), `globallm-bench-rss-${process.pid}`);
  const timed = existsSync(GNU_TIME) ? [GNU_TIME, '-f', '%M', '-o', rssFile, ...argv] : argv;
  const t0 = performance.now();
  const r = spawnSync(timed[0] as string, timed.slice(1), { env, cwd, stdio: 'ignore' });
  const wallS = (performance.now() - t0) / 1000;
  const peakMiB = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024 : undefined;
  rmSync(rssFile, { force: true });
  return { wallS, peakMiB, code: r.status };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** One warm-up, then `runs` samples of each case, interleaved so load changes hit all alike. */
async function sampleAll(cases: Record<string, () => Sample | Promise<Sample>>, runs: number): Promise<Record<string, { wallS: number; peakMiB: number | undefined }>> {
  const samples: Record<string, Sample[]> = {};
  for (const [name, run] of Object.entries(cases)) {
    const warm = await run();
    if (warm.code !== 0) throw new Error(`${name}: exit ${String(warm.code)} in the warm-up`);
    samples[name] = [];
  }
  for (let i = 0; i < runs; i++) for (const [name, run] of Object.entries(cases)) samples[name]?.push(await run());
  return Object.fromEntries(Object.entries(samples).map(([name, xs]) => {
    const rss = xs.flatMap((x) => (x.peakMiB === undefined ? [] : [x.peakMiB]));
    return [name, { wallS: median(xs.map((x) => x.wallS)), peakMiB: rss.length ? median(rss) : undefined }];
  }));
}

/** `globallm up --headless --no-example` on free ports in a throwaway state directory, until its ready line. */
async function startStack(stateDir: string): Promise<{ env: NodeJS.ProcessEnv; stop: () => Promise<void> }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env, GLOBALLM_STATE_DIR: stateDir, GLOBALLM_LOG_LEVEL: 'warn',
    GLOBALLM_PG_PORT: String(await freePort()), GLOBALLM_TEMPORAL_PORT: String(await freePort()), GLOBALLM_TEMPORAL_UI_PORT: String(await freePort()),
  };
  delete env['DATABASE_URL'];
  delete env['TEMPORAL_ADDRESS'];
  const child = spawn(process.execPath, [bin, 'up', '--headless', '--no-example'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('ready')) resolve();
    });
    void exited.then((code) => reject(new Error(`globallm up exited with ${code} before ready`)));
  });
  return { env, stop: async () => { child.kill('SIGTERM'); await exited; } };
}

/** The example library `slugkit` and a patch that fixes its code and adds a test (so validate runs its tests three times). */
async function tinyRepoAndPatch(dir: string): Promise<{ repo: string; patch: string; trees: string[] }> {
  await createExampleRepos(dir);
  const repo = join(dir, 'slugkit');
  const slug = join(repo, 'src', 'slug.js');
  writeFileSync(slug, readFileSync(slug, 'utf8').replace(".replace(/[^a-z0-9]/g, '-')", ".replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')"));
  writeFileSync(join(repo, 'test', 'dashes.test.js'), "'use strict';\nconst { test } = require('node:test');\nconst assert = require('node:assert/strict');\nconst { slugify } = require('../src/slug.js');\n\ntest('one dash between words', () => {\n  assert.equal(slugify('a  b!'), 'a-b');\n});\n");
  await runGit(['add', '-A'], { cwd: repo });
  const patch = join(dir, 'fix.patch');
  writeFileSync(patch, await runGit(['diff', '--cached'], { cwd: repo }));
  await runGit(['reset', '-q', '--hard'], { cwd: repo });
  // validate's runs: before (the base with the patch's tests), after (the whole patch), and before
  // again (a test it fixed is repeated on the before side to rule out flakiness).
  const [before, after] = ['before', 'after'].map((name) => join(dir, name)) as [string, string];
  for (const t of [before, after]) cpSync(repo, t, { recursive: true });
  await runGit(['apply', '--include=test/*', patch], { cwd: before });
  await runGit(['apply', patch], { cwd: after });
  return { repo, patch, trees: [before, after, before] };
}

/** The three test runs validate makes, run directly one after another, with a clean environment as in the sandbox. */
function plainRuns(trees: string[]): Sample {
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmpdir() };
  const parts = trees.map((t) => measure(TEST_CMD, env, t));
  return { wallS: parts.reduce((s, p) => s + p.wallS, 0), peakMiB: undefined, code: 0 };
}

/** The same three test runs in the sandbox, with validate's limits, without the CLI around them. */
async function sandboxedRuns(sandbox: Sandbox, trees: string[]): Promise<Sample> {
  const t0 = performance.now();
  for (const cwd of trees) {
    await sandbox.prepareWorktree(cwd);
    const r = await sandbox.run({ cwd, argv: TEST_CMD, network: false, timeoutMs: 600_000, memoryMb: 4096, cpuSeconds: 1200 });
    if (!r.stdout.includes('# tests')) throw new Error(`the sandboxed test run in ${cwd} did not run the tests: ${r.stderr.slice(0, 500)}`);
  }
  return { wallS: (performance.now() - t0) / 1000, peakMiB: undefined, code: 0 };
}

const fmt = (x: number | undefined, digits = 3): string => (x === undefined ? 'unknown' : x.toFixed(digits));

export default async function cli(args: string[]): Promise<void> {
  const runs = Number(args[0] ?? 5);
  buildCli();
  const dir = mkdtempSync(join(tmpdir(), 'globallm-bench-cli-'));
  chmodSync(dir, 0o711); // the sandbox's unprivileged user must reach the test trees, as in validate's own workspace
  // Its own temporary folder: as root, PostgreSQL's user must be able to enter every folder above.
  const state = mkdtempSync(join(tmpdir(), 'globallm-bench-cli-state-'));
  const stack = await startStack(state);
  try {
    const { repo, patch, trees } = await tinyRepoAndPatch(join(dir, 'repos'));
    const sandbox = new BubblewrapSandbox();
    const m = await sampleAll({
      node: () => measure([process.execPath, '-e', '0']),
      help: () => measure([process.execPath, bin, '--help']),
      status: () => measure([process.execPath, bin, 'status', '--json'], stack.env),
      validate: () => measure([process.execPath, bin, 'validate', '--repo', repo, '--patch', patch, '--test-cmd', TEST_CMD.join(' '), '--json']),
      sandboxed: () => sandboxedRuns(sandbox, trees),
      plain: () => plainRuns(trees),
    }, runs);
    const { node, help, status, validate, sandboxed, plain } = m as Record<string, { wallS: number; peakMiB: number | undefined }>;
    const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined ? 'unknown' : (a / b).toFixed(2));
    const lines = [
      `runs=${runs}`,
      `node_e0_s=${fmt(node?.wallS)}`, `node_e0_peak_mib=${fmt(node?.peakMiB, 1)}`,
      `help_s=${fmt(help?.wallS)}`, `help_peak_mib=${fmt(help?.peakMiB, 1)}`, `help_ratio=${ratio(help?.wallS, node?.wallS)}`, `help_peak_ratio=${ratio(help?.peakMiB, node?.peakMiB)}`,
      `status_json_s=${fmt(status?.wallS)}`, `status_json_peak_mib=${fmt(status?.peakMiB, 1)}`, `status_json_ratio=${ratio(status?.wallS, node?.wallS)}`,
      `validate_s=${fmt(validate?.wallS)}`, `validate_node_ratio=${ratio(validate?.wallS, node?.wallS)}`,
      `validate_sandboxed_runs_s=${fmt(sandboxed?.wallS)}`, `validate_ratio=${ratio(validate?.wallS, sandboxed?.wallS)}`,
      `validate_plain_runs_s=${fmt(plain?.wallS)}`, `validate_plain_ratio=${ratio(validate?.wallS, plain?.wallS)}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await stack.stop();
    for (const d of [dir, state]) rmSync(d, { recursive: true, force: true });
  }
}
