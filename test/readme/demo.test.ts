// The Quick start's `globallm up --demo`, run as the README writes it, without credentials: the
// example campaign reaches a validated draft PR on the local forge, and everything it produced
// says the model was scripted. Bad input: the demo beside a configured model, or without the example.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { projectRoot } from '../../src/util/project-root.js';
import { runCli, startCliUntilReady, type RunningCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { testTemporalAddress } from '../helpers/temporal.js';
import { terminateLeftovers } from '../helpers/workers.js';
import { argvOf, readmeCommands } from '../helpers/readme-commands.js';

const git = promisify(execFile);
const readme = readmeCommands(await readFile(join(projectRoot, 'README.md'), 'utf8'));
const NO_MODEL = { ANTHROPIC_API_KEY: '', ANTHROPIC_BASE_URL: '', OPENAI_API_KEY: '', OPENAI_BASE_URL: '', GLOBALLM_LLM_PROVIDER: '' };

async function endLeftovers(): Promise<void> {
  const connection = await Connection.connect({ address: testTemporalAddress() });
  try {
    await terminateLeftovers(new Client({ connection }));
  } finally {
    await connection.close();
  }
}

describe('globallm up --demo, as the Quick start writes it', () => {
  let db: TestDatabase;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let stack: RunningCli | undefined;
  const demoCommand = readme.quickStartUp.find((c) => c.includes('--demo'));

  before(async () => {
    [db, dir] = await Promise.all([createTestDatabase(), mkdtemp(join(tmpdir(), 'globallm-demo-'))]);
    env = {
      ...NO_MODEL, GLOBALLM_STATE_DIR: join(dir, 'state'), DATABASE_URL: db.url, TEMPORAL_ADDRESS: testTemporalAddress(),
      GLOBALLM_TASK_QUEUE_PREFIX: `demo${Date.now().toString(36)}`, GLOBALLM_LOG_LEVEL: 'info', GLOBALLM_LOG_FORMAT: 'json',
    };
    await endLeftovers();
  });
  after(async () => {
    if (stack) {
      stack.child.kill('SIGTERM');
      await stack.exited;
    }
    await endLeftovers();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the Quick start shows the demo command', () => {
    assert.ok(demoCommand, JSON.stringify(readme.quickStartUp));
  });

  test('without credentials it opens a validated draft PR on the local forge, labelled as scripted everywhere', async () => {
    stack = await startCliUntilReady(argvOf(demoCommand ?? 'globallm up --demo'), env, 180_000);
    const running = stack;
    const done = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        if (/^demo: finished /m.test(running.stdout())) { clearInterval(timer); resolve(running.stdout()); }
      }, 500);
      void running.exited.then((code) => { clearInterval(timer); reject(new Error(`up --demo exited ${String(code)}:\n${running.stderr().slice(-3000)}`)); });
    });
    // What `up` prints: the model is scripted, then each PR with its before/after evidence.
    assert.match(done, /^demo: The model was a scripted stand-in \(scripted-demo\)/m);
    assert.match(done, /^demo campaign started on new example repositories/m);
    assert.match(done, /^demo: draft PR #\d+ for local\/slugkit#1 on branch globallm\/issue-1-\S+: 1 test\(s\) failed before the fix and pass after it \(collapses runs of separators\); model scripted-demo \(scripted stand-in, not a language model\)$/m);

    // The PR on the local forge: a real branch holding the fix and its test, a body that says the model was scripted.
    const prs = await db.pool.query<{ state: string; branch: string; body: string }>(`SELECT state, branch, body FROM pull_requests WHERE forge = 'local' AND name = 'slugkit' AND issue_number = 1`);
    const pr = prs.rows[0];
    assert.equal(pr?.state, 'draft', JSON.stringify(prs.rows));
    assert.match(pr.body, /\*\*The model was a scripted stand-in \\\(scripted-demo\\\): fixed answers written for GlobaLLM's demo, no language model was called\.\*\*/);
    assert.match(pr.body, /- Model: `scripted-demo`/);
    assert.match(pr.body, /Failed before the change\*\* \(1\):\n- `collapses runs of separators`/);
    const repo = join(dir, 'state', 'repos', 'slugkit');
    const files = (await git('git', ['-C', repo, 'show', '--name-only', '--format=%B', pr.branch])).stdout;
    assert.match(files, /Written by an AI model \(scripted-demo \(scripted stand-in, not a language model\)\)/);
    assert.match(files, /^src\/slug\.js$/m);
    assert.match(files, /^test\/collapse\.test\.js$/m);

    // The sandbox's verdict: pass, with the new test failing before and passing after.
    type Stored = { status: string; model: string; chosen: { verdict: string; evidence: { failedBefore: string[]; passedAfter: string[] } } | null };
    const fixes = await db.pool.query<{ result: Stored }>(`SELECT result FROM fix_results WHERE name = 'slugkit' AND issue_number = 1 ORDER BY created_at`);
    const validated = fixes.rows.map((f) => f.result).find((r) => r.chosen?.verdict === 'pass');
    assert.ok(validated?.chosen, JSON.stringify(fixes.rows.map((f) => [f.result.status, f.result.chosen?.verdict])));
    assert.equal(validated.status, 'pass');
    assert.equal(validated.model, 'scripted-demo');
    assert.ok(validated.chosen.evidence.failedBefore.includes('collapses runs of separators'), JSON.stringify(validated.chosen.evidence));
    assert.ok(validated.chosen.evidence.passedAfter.includes('collapses runs of separators'), JSON.stringify(validated.chosen.evidence));

    // Every log line of the process names the scripted model.
    const logs = running.stderr().split('\n').filter((l) => l.startsWith('{'));
    assert.ok(logs.length > 0, 'info logs were written');
    for (const line of logs) assert.equal((JSON.parse(line) as { model?: string }).model, 'scripted-demo (scripted stand-in, not a language model)', line);

    // Every model call is recorded under the scripted name, and the report says it was scripted.
    const models = await db.pool.query<{ model: string | null }>(`SELECT DISTINCT model FROM budget_reservations WHERE state = 'settled'`);
    assert.deepEqual(models.rows.map((r) => r.model), ['scripted-demo']);
    const list = await runCli(['prs', 'list'], env, { timeoutMs: 60_000 });
    assert.match(list.stdout, /local\/slugkit .*scripted-demo \(scripted stand-in, not a language model\)/, list.stdout + list.stderr);
    const report = await runCli(['report', '--out', join(dir, 'report')], env, { timeoutMs: 120_000 });
    assert.equal(report.code, 0, report.stderr);
    const page = await readFile(join(dir, 'report', 'index.html'), 'utf8');
    assert.match(page, /<p class="note" data-scripted>The model was a scripted stand-in \(scripted-demo\)/);
    assert.match(page, /scripted-demo \(scripted stand-in, not a language model\)/);
  });

  test('it stops cleanly on SIGTERM; a second run on the same state says the demo already ran', async () => {
    assert.ok(stack, 'the demo ran');
    stack.child.kill('SIGTERM');
    assert.equal(await stack.exited, 0, stack.stderr().slice(-3000));
    stack = await startCliUntilReady(argvOf(demoCommand ?? 'globallm up --demo'), env, 180_000);
    const again = stack;
    for (let i = 0; i < 240 && !/^demo campaign /m.test(again.stdout()); i++) await new Promise((r) => setTimeout(r, 250));
    assert.match(again.stdout(), /^demo campaign already ran: globallm campaign status demo$/m);
    assert.match(again.stdout(), /^demo: The model was a scripted stand-in/m);
    again.child.kill('SIGTERM');
    assert.equal(await again.exited, 0, again.stderr().slice(-3000));
    stack = undefined;
  });
});

describe('globallm up --demo: bad input', () => {
  test('beside a configured model it refuses with exit 2, naming the setting, and starts nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'globallm-demo-bad-'));
    try {
      const r = await runCli(['up', '--demo'], { ...NO_MODEL, GLOBALLM_STATE_DIR: dir, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none', TEMPORAL_ADDRESS: '127.0.0.1:9' }, { timeoutMs: 30_000 });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--demo scripts the model itself, but a model is configured \(OPENAI_BASE_URL\)/);
      const both = await runCli(['up', '--demo'], { ...NO_MODEL, GLOBALLM_STATE_DIR: dir, ANTHROPIC_API_KEY: 'sk-x', GLOBALLM_LLM_PROVIDER: 'anthropic' }, { timeoutMs: 30_000 });
      assert.equal(both.code, 2, both.stderr);
      assert.match(both.stderr, /\(ANTHROPIC_API_KEY, GLOBALLM_LLM_PROVIDER\): unset them/);
      assert.ok(!both.stderr.includes('sk-x'), 'the key itself is not shown');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('with --no-example it refuses with exit 2: the demo is the example campaign', async () => {
    const r = await runCli(['up', '--demo', '--no-example'], NO_MODEL, { timeoutMs: 30_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--demo runs the example campaign: it cannot be combined with --no-example/);
  });
});
