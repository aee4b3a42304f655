// The README, executed: every command of the Quick start's follow-up, one representative
// invocation of each row of the Commands table, the `temporal` steering section and the offline
// stand-ins section, in README order, against `globallm up` on the suite's PostgreSQL and
// Temporal with the GitHub and LLM stand-ins. A command the README gains without a step here
// fails the test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { z } from 'zod';
import { JSON_OUTPUTS } from '../../src/cli/commands/json-schemas.js';
import { createExampleRepos } from '../../src/examples/create.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../src/sim/github/server.js';
import { startLlmStandIn, type LlmStandIn } from '../../src/sim/llm/server.js';
import { projectRoot } from '../../src/util/project-root.js';
import { runCli, startCliUntilReady, type CliResult, type RunningCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { testTemporalAddress } from '../helpers/temporal.js';
import { exampleScript } from '../../src/examples/demo-script.js';
import { argvOf, coverage, readmeCommands } from '../helpers/readme-commands.js';

const exec = promisify(execFile);
const readme = readmeCommands(await readFile(join(projectRoot, 'README.md'), 'utf8'));
const checkedJson = new Set<string>();

let db: TestDatabase;
let gh: GitHubStandIn;
let llm: LlmStandIn;
let dir: string;
let stack: RunningCli;
let env: NodeJS.ProcessEnv;

/** Exit 0, something on stdout, nothing a person would call broken. */
function wellFormed(r: CliResult, what: string): string {
  assert.equal(r.code, 0, `${what} exited ${String(r.code)}: ${r.stderr}\n${r.stdout}`);
  assert.notEqual(r.stdout.trim(), '', `${what} printed nothing`);
  assert.doesNotMatch(r.stdout, /\bundefined\b|\bNaN\b|\[object Object\]/, `${what} printed a broken value`);
  return r.stdout;
}

async function globallm(command: string, opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  return wellFormed(await runCli(argvOf(command), env, { timeoutMs: opts.timeoutMs ?? 180_000, ...(opts.input !== undefined ? { input: opts.input } : {}) }), command);
}

/** Runs a `--json` command and checks its output against the command's documented schema. */
async function json<K extends keyof typeof JSON_OUTPUTS>(key: K, command: string, opts: { input?: string; timeoutMs?: number } = {}): Promise<z.infer<(typeof JSON_OUTPUTS)[K]>> {
  const out = await globallm(command, opts);
  const parsed = JSON_OUTPUTS[key].safeParse(JSON.parse(out));
  assert.ok(parsed.success, `${command}: ${parsed.success ? '' : parsed.error.message}\n${out}`);
  checkedJson.add(key);
  return parsed.data as z.infer<(typeof JSON_OUTPUTS)[K]>;
}

async function temporal(command: string): Promise<string> {
  const binary = process.env['GLOBALLM_TEST_TEMPORAL_CLI'] ?? 'temporal';
  const { stdout } = await exec(binary, argvOf(command), { env: { ...process.env, TEMPORAL_ADDRESS: testTemporalAddress() } });
  return stdout;
}

/** A unified diff fixing slugkit#1 with a new test, made with git on a copy of the repository. */
async function slugkitPatch(): Promise<string> {
  const copy = join(dir, 'patch-work');
  await cp(join(dir, 'repos', 'slugkit'), copy, { recursive: true });
  const slug = join(copy, 'src', 'slug.js');
  await writeFile(slug, (await readFile(slug, 'utf8')).replace(".replace(/[^a-z0-9]/g, '-');", ".replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');"));
  await writeFile(join(copy, 'test', 'collapse.test.js'), "'use strict';\nconst { test } = require('node:test');\nconst assert = require('node:assert/strict');\nconst { slugify } = require('../src/slug.js');\n\ntest('collapses runs of separators', () => {\n  assert.equal(slugify('Hello,  World!'), 'hello-world');\n});\n");
  await exec('git', ['add', '--intent-to-add', 'test/collapse.test.js'], { cwd: copy });
  const { stdout } = await exec('git', ['diff'], { cwd: copy });
  const file = join(dir, 'slugkit-1.patch');
  await writeFile(file, stdout);
  return file;
}

/** One representative invocation for each row of the Commands table, by command name. */
const TABLE_STEPS: Record<string, () => Promise<void>> = {
  'up': async () => {
    assert.match(stack.readyLine, /ready/);
    // `--demo` scripts the model, so beside this stack's configured model it refuses (the demo itself: test/readme/demo.test.ts).
    const demo = await runCli(['up', '--demo'], { ...env, GLOBALLM_STATE_DIR: join(dir, 'demo-state') }, { timeoutMs: 60_000 });
    assert.equal(demo.code, 2, demo.stderr);
    assert.match(demo.stderr, /a model is configured \(OPENAI_API_KEY, OPENAI_BASE_URL\)/);
  },
  'status': async () => {
    const s = await json('status', 'globallm status --json');
    assert.equal(s.healthy, true, JSON.stringify(s.checks.filter((c) => !c.ok)));
  },
  'doctor': async () => {
    const d = await json('doctor', 'globallm doctor --json');
    assert.equal(d.ok, true);
  },
  'worker': async () => {
    // Stays up until SIGTERM: bounded to its start-up line and a clean stop.
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'globallm.js'), 'worker'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    const exited = new Promise<number | null>((r) => child.once('exit', (code, signal) => r(code ?? (signal ? -1 : null))));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => { out += c.toString(); if (out.includes('polling')) resolve(); });
      void exited.then((code) => reject(new Error(`worker exited ${String(code)} before polling`)));
    });
    assert.match(out, /^worker globallm-worker@\S+ polling \S+-core/m);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, `worker did not stop cleanly on SIGTERM: ${err.slice(-2000)}`);
  },
  'migrate': async () => {
    await globallm('globallm migrate');
  },
  'setup': async () => {
    // `up` did the same: on its cluster, setup finds nothing to change.
    const out = await globallm('globallm setup');
    assert.match(out, /^migrations: up to date$/m);
    assert.match(out, /^search attributes: all registered$/m);
    assert.match(out, /^schedules: globallm-discovery, globallm-reprioritize$/m);
  },
  'schedule discovery': async () => {
    const out = await globallm('globallm schedule discovery --forge local --min-stars 0 --max-repos 10');
    assert.match(out, /^forge=local$/m);
    assert.match(out, /^fanOut=false$/m);
  },
  'discover': async () => {
    const d = await json('discover', 'globallm discover --forge github --domain overall --json');
    assert.ok(d.approved > 0, JSON.stringify(d));
  },
  'score': async () => {
    const a = await json('score', 'globallm score pyfoundry/quickparse --json');
    assert.equal(a.repo, 'pyfoundry/quickparse');
    const local = await json('score', `globallm score --forge local --repo ${join(dir, 'repos', 'slugkit')} --json`);
    assert.equal(local.repo, 'local/slugkit');
  },
  'repos list|show': async () => {
    const list = await json('repos list', 'globallm repos list --json');
    assert.ok(list.repositories.some((r) => r.repo === 'pyfoundry/quickparse' && r.status === 'approved'));
    const shown = await json('repos show', 'globallm repos show pyfoundry/quickparse --json');
    assert.ok((shown.filters ?? []).length > 0, 'filter verdicts are shown');
    await globallm('globallm repos list');
  },
  'triage': async () => {
    const input = `${JSON.stringify({ title: 'Crash on empty input', body: 'parse("") raises IndexError', labels: ['bug'], repo: 'pyfoundry/quickparse' })}\n`;
    const out = await globallm('globallm triage --input - --json', { input });
    for (const line of out.trim().split('\n')) assert.ok(JSON_OUTPUTS.triage.safeParse(JSON.parse(line)).success, line);
    checkedJson.add('triage');
  },
  'issues list': async () => {
    // Open issues not yet worked on; the example campaign has taken every example issue.
    await json('issues list', 'globallm issues list --json');
    await globallm('globallm issues list --repo local/slugkit --explain');
  },
  'issues rerank': async () => {
    await json('issues rerank', 'globallm issues rerank --json');
  },
  'budget show': async () => {
    await json('budget show', 'globallm budget show --json');
  },
  'validate': async () => {
    const v = await json('validate', `globallm validate --repo ${join(dir, 'repos', 'slugkit')} --patch ${await slugkitPatch()} --json`);
    assert.equal(v.verdict, 'pass', JSON.stringify(v.reasons));
  },
  'campaign start': async () => {
    const p = await json('campaign start --wait', 'globallm campaign start --forge github --domain overall --max-repos 3 --max-issues 3 --analyzer offline --dry-run --wait --json', { timeoutMs: 600_000 });
    assert.equal(p.phase, 'done');
    assert.ok(p.repos > 0, 'repositories approved');
    assert.ok(p.analyzed > 0, 'issues analyzed');
    assert.equal(p.finished, p.enqueued);
  },
  'campaign status|cancel': async () => {
    const s = await json('campaign status', 'globallm campaign status example --json');
    assert.equal(s.phase, 'done');
    const started = await json('campaign start', 'globallm campaign start --forge github --domain games --dry-run --json');
    assert.match(await globallm(`globallm campaign cancel ${started.id}`), /cancelled/);
  },
  'repo pause|resume': async () => {
    await globallm('globallm repo pause local/bytefmt --reason "walkthrough"');
    assert.equal((await json('repo status', 'globallm repo status local/bytefmt --json')).paused, true);
    await globallm('globallm repo resume local/bytefmt');
    assert.equal((await json('repo status', 'globallm repo status local/bytefmt --json')).paused, false);
  },
  'repo status': async () => {
    assert.match(await globallm('globallm repo status local/slugkit'), /^local\/slugkit: /);
  },
  'prs list': async () => {
    const list = await json('prs list', 'globallm prs list --json');
    assert.ok(list.pullRequests.some((p) => p.repo === 'local/slugkit' && p.state === 'preview'), JSON.stringify(list));
  },
  'prs preview': async () => {
    const preview = await globallm('globallm prs preview local/slugkit#1');
    assert.match(preview, /----- body -----[\s\S]*Fixes #1/);
    assert.match(preview, /----- patch -----[\s\S]*^\+\+\+ b\/src\/slug\.js/m);
  },
  'prs close': async () => {
    // The example campaign here is a dry run: nothing is open, and closing says so instead of pretending.
    const r = await runCli(argvOf('globallm prs close local/slugkit#1'), env, { timeoutMs: 60_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no open pull request recorded for local\/slugkit#1/);
  },
  'report': async () => {
    const out = await globallm(`globallm report --out ${join(dir, 'report')}`);
    assert.match(out, /^report: .*index\.html$/m);
    assert.match(await readFile(join(dir, 'report', 'index.html'), 'utf8'), /<html/i);
  },
};

describe('the README, executed against the stand-ins', () => {
  before(async () => {
    [db, gh, llm] = await Promise.all([createTestDatabase(), startGitHubStandIn(), startLlmStandIn({ script: exampleScript() })]);
    dir = await mkdtemp(join(tmpdir(), 'globallm-readme-'));
    await createExampleRepos(join(dir, 'repos'));
    env = {
      GLOBALLM_STATE_DIR: join(dir, 'state'), DATABASE_URL: db.url, TEMPORAL_ADDRESS: testTemporalAddress(),
      GLOBALLM_TASK_QUEUE_PREFIX: `readme${Date.now().toString(36)}`, GLOBALLM_LOCAL_ROOT: join(dir, 'repos'),
      GITHUB_API_URL: gh.url, GITHUB_TOKEN: 'stand-in',
      OPENAI_BASE_URL: `${llm.url}/v1`, OPENAI_API_KEY: 'stand-in', GLOBALLM_OPENAI_MODEL: 'gpt-4.1-mini',
      ANTHROPIC_API_KEY: '', ANTHROPIC_BASE_URL: '', GLOBALLM_LOG_LEVEL: 'warn',
    };
    stack = await startCliUntilReady(['up', '--headless', '--no-example'], env, 180_000);
    // What `up` runs first on the embedded default, here as a dry run so previews are kept.
    await globallm('globallm campaign start --forge local --id example --min-stars 0 --max-repos 10 --max-issues 5 --analyzer offline --dry-run --wait', { timeoutMs: 600_000 });
  });
  after(async () => {
    if (stack) {
      stack.child.kill('SIGTERM');
      await stack.exited;
    }
    await Promise.allSettled([gh?.close(), llm?.close(), db?.drop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('every row of the Commands table has a walkthrough step, and every step a row', () => {
    assert.deepEqual(coverage(readme.table, Object.keys(TABLE_STEPS)), { missing: [], stale: [] });
  });

  test('Quick start: the follow-up commands', async () => {
    assert.ok(readme.quickStart.length >= 5, JSON.stringify(readme.quickStart));
    for (const command of readme.quickStart) await globallm(command, { timeoutMs: 300_000 });
  });

  test('Commands: one representative invocation each, in README order', async () => {
    for (const name of readme.table) {
      const step = TABLE_STEPS[name];
      assert.ok(step, `no walkthrough step for \`globallm ${name}\``);
      await step();
    }
  });

  test('every --json shape was checked against its schema', () => {
    assert.deepEqual(Object.keys(JSON_OUTPUTS).filter((k) => !checkedJson.has(k)), []);
  });

  test('Steering with the temporal CLI: a pause visible in repo status, schedules listed and toggled', async () => {
    assert.ok(readme.steering.length >= 4, JSON.stringify(readme.steering));
    for (const command of readme.steering) {
      const out = command.startsWith('temporal ') ? await temporal(command) : await globallm(command);
      if (command.includes('--name status')) assert.match(out, /"paused":\s*true/);
      if (command.startsWith('temporal schedule list')) assert.match(out, /globallm-discovery/);
    }
    const status = await json('repo status', 'globallm repo status local/slugkit --json');
    assert.equal(status.paused, true);
    assert.equal(status.pauseReason, 'release freeze');
  });

  test('Offline: npm run sim prints both stand-ins, and discovery on its world finds libraries', async () => {
    assert.deepEqual(readme.offline.slice(0, 1), ['npm run sim']);
    const sim = spawn('npm', ['run', 'sim'], { cwd: projectRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const urls = await new Promise<Record<string, string>>((resolve, reject) => {
        let out = '';
        sim.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const found: Record<string, string> = {};
          for (const m of out.matchAll(/^(github|llm)=(http:\/\/127\.0\.0\.1:\d+)$/gm)) found[m[1] ?? ''] = m[2] ?? '';
          if (found['github'] && found['llm']) resolve(found);
        });
        sim.once('exit', (code) => reject(new Error(`npm run sim exited ${String(code)}`)));
      });
      for (const command of readme.offline.slice(1)) {
        const r = await runCli(argvOf(command), { ...env, GITHUB_API_URL: urls['github'], GITHUB_TOKEN: 'any' }, { timeoutMs: 180_000 });
        assert.match(wellFormed(r, command), /approved [1-9]/, 'the stand-in world still holds approvable libraries today');
      }
    } finally {
      if (sim.pid !== undefined) process.kill(-sim.pid, 'SIGTERM');
    }
  });
});
