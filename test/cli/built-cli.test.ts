import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliTraced, type TracedCliResult } from '../helpers/cli.js';
import { testServerUrl } from '../helpers/db.js';
import { testTemporalAddress } from '../helpers/temporal.js';
import { diffFor, makeRepo } from '../helpers/temp-repo.js';

const state = mkdtempSync(join(tmpdir(), 'globallm-cli-'));
after(() => rmSync(state, { recursive: true, force: true }));
const services = (): NodeJS.ProcessEnv => ({ GLOBALLM_STATE_DIR: state, DATABASE_URL: testServerUrl(), TEMPORAL_ADDRESS: testTemporalAddress() });
const nothing = { GLOBALLM_STATE_DIR: state, DATABASE_URL: 'postgres://u:p@127.0.0.1:1/none', TEMPORAL_ADDRESS: '127.0.0.1:1' };

/** Packages only the worker, the fix pipeline and the forge or model clients need, and the dev-time TypeScript runner. */
const HEAVY = ['@temporalio/worker', 'web-tree-sitter', 'tree-sitter-wasms', '@anthropic-ai/sdk', 'openai', '@octokit', 'tsx', 'esbuild'];

function loadedPackages(r: TracedCliResult): Set<string> {
  const names = r.modules.flatMap((url) => {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    return m?.[1] ? [m[1]] : [];
  });
  return new Set(names);
}

function assertLight(r: TracedCliResult, alsoForbidden: string[] = []): void {
  const loaded = [...loadedPackages(r)];
  const heavy = loaded.filter((p) => [...HEAVY, ...alsoForbidden].some((h) => p === h || p.startsWith(`${h}/`)));
  assert.deepEqual(heavy, [], `loaded ${heavy.join(', ')}`);
  assert.ok(r.modules.some((u) => u.endsWith('/dist/cli/main.js')), 'runs the compiled CLI');
  assert.deepEqual(r.modules.filter((u) => u.endsWith('.ts')), [], 'no TypeScript source is loaded');
}

describe('the built CLI loads only what each command needs and leaves nothing behind', () => {
  test('--help: usage, exit 0, only commander', async () => {
    const r = await runCliTraced(['--help'], nothing);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: globallm/);
    assert.match(r.stdout, /validate \[options\]/);
    assertLight(r, ['@temporalio/client', 'pg', 'zod', 'pino']);
    assert.deepEqual([...loadedPackages(r)], ['commander']);
    assert.deepEqual(r.leftovers, []);
  });

  test('status --json against running services: a report, no worker SDK, tree-sitter, model or GitHub clients', async () => {
    const r = await runCliTraced(['status', '--json'], services());
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const report = JSON.parse(r.stdout) as { checks: Array<{ name: string; ok: boolean }> };
    assert.ok(report.checks.some((c) => c.ok), 'at least PostgreSQL and Temporal answer');
    assertLight(r);
    assert.deepEqual(r.leftovers, []);
  });

  test('status calls Temporal with the health API alone: not the SDK\'s client, not the whole Temporal API, not the logger', async () => {
    const r = await runCliTraced(['status', '--json'], services());
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const report = JSON.parse(r.stdout) as { checks: Array<{ name: string; ok: boolean }> };
    assert.ok(report.checks.some((c) => c.name === 'temporal' && c.ok), 'Temporal answers');
    assertLight(r, ['pino', 'pino-pretty', '@temporalio/client', '@temporalio/proto']);
    assert.ok(r.modules.some((u) => u.endsWith('/dist/temporal/health-client.js')), 'the health client is loaded');
  });

  test('validate of a tiny repository: a verdict, nothing left behind, and only what a test run needs', async () => {
    const repo = await makeRepo({ 'check.sh': 'test "$(cat value)" = 2\n', value: '1\n' });
    const patchFile = join(state, 'fix.patch');
    writeFileSync(patchFile, await diffFor(repo, { value: '2\n' }));
    try {
      const r = await runCliTraced(['validate', '--repo', repo, '--patch', patchFile, '--test-cmd', 'sh check.sh', '--json'], nothing, { timeoutMs: 120_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { verdict: string }).verdict, 'pass');
      // No database, no Temporal, no egress proxy (tests run offline), no JUnit parser without a report, no log formatter for people,
      // no version ranges to compare.
      assertLight(r, ['@temporalio/client', 'pg', 'proxy', 'fast-xml-parser', 'pino-pretty', 'semver']);
      assert.deepEqual(r.leftovers, []);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  test('status against nothing: a failing report, still light, nothing left behind', async () => {
    const r = await runCliTraced(['status', '--json'], nothing);
    assert.equal(r.code, 1);
    assertLight(r);
    assert.deepEqual(r.leftovers, []);
  });

  test('repo pause of an unknown repository: exit 1, light, nothing left behind', async () => {
    const r = await runCliTraced(['repo', 'pause', 'nobody/nothing', '--reason', 'test'], services());
    assert.equal(r.code, 1);
    assert.match(r.stderr, /nobody\/nothing/);
    assertLight(r);
    assert.deepEqual(r.leftovers, []);
  });

  test('triage from the compiled CLI finds the shipped offline model', async () => {
    const line = JSON.stringify({ title: 'Crash when parsing empty input', body: 'TypeError: cannot read properties of undefined' });
    const r = await runCliTraced(['triage', '--input', '-', '--json'], nothing, { input: `${line}\n` });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim()) as { line: number; analysis: { category: string } };
    assert.equal(out.line, 1);
    assert.equal(typeof out.analysis.category, 'string');
    assert.deepEqual(r.leftovers, []);
  });
});

describe('bad input answers at once with the usage and exit 2', () => {
  test('an unknown command', async () => {
    const r = await runCliTraced(['no-such-command'], nothing);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command 'no-such-command'/);
    assert.match(r.stderr, /Usage: globallm \[options\] \[command\]/);
    assertLight(r, ['@temporalio/client', 'pg']);
    assert.deepEqual(r.leftovers, []);
  });

  test('an unknown flag on a command', async () => {
    const r = await runCliTraced(['status', '--no-such-flag'], nothing);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--no-such-flag'/);
    assert.match(r.stderr, /Usage: globallm status \[options\]/);
    assertLight(r, ['@temporalio/client', 'pg']);
  });

  test('an unknown subcommand and a missing argument', async () => {
    const sub = await runCliTraced(['repo', 'explode', 'a/b'], nothing);
    assert.equal(sub.code, 2);
    assert.match(sub.stderr, /Usage: globallm repo/);
    const missing = await runCliTraced(['repo', 'pause'], nothing);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing required argument/);
    assertLight(missing, ['@temporalio/client']);
  });
});
