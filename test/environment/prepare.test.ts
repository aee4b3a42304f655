import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EnvironmentCache } from '../../src/environment/cache.js';
import { environmentMounts, prepareEnvironment } from '../../src/environment/prepare.js';
import { planEnvironment } from '../../src/environment/plan.js';
import { meets } from '../../src/environment/toolchain.js';
import { validatePatch } from '../../src/fix/validate/validate.js';
import { BubblewrapSandbox } from '../../src/sandbox/bubblewrap.js';
import { registryHosts, trustEnv } from '../../src/sandbox/egress/registries.js';
import { diffFor, makeRepo } from '../helpers/temp-repo.js';

// A real npm project with one small dependency from the registry, installed inside the sandbox
// through the egress proxy: the same path the validate stage takes.
const LIB = {
  'package.json': JSON.stringify({ name: 'tiny-env', version: '1.0.0', scripts: { test: 'node --test' }, dependencies: { 'is-number': '7.0.0' } }, null, 2),
  'index.js': "const isNumber = require('is-number');\nexports.half = (x) => (isNumber(x) ? x / 3 : NaN);\n",
  'test/index.test.js': "const { test } = require('node:test');\nconst assert = require('node:assert');\nconst { half } = require('../index.js');\ntest('halves', () => assert.equal(half(4), 2));\ntest('rejects words', () => assert.ok(Number.isNaN(half('x'))));\n",
};

const sandbox = new BubblewrapSandbox({ registryHosts: registryHosts(process.env), trustEnv: trustEnv(process.env) });
const dirs: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), prefix));
  await chmod(d, 0o711);
  dirs.push(d);
  return d;
}

describe('prepared environments', () => {
  after(async () => {
    await sandbox.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  test('a Go module: the build cache is warmed once, and every test run gets its own copy of it', async () => {
    const mod = {
      'go.mod': 'module example.com/half\n\ngo 1.21\n',
      'half.go': 'package half\n\n// Half halves n.\nfunc Half(n int) int { return n / 3 }\n',
      'half_test.go': 'package half\n\nimport (\n\t"strings"\n\t"testing"\n)\n\nfunc TestHalf(t *testing.T) {\n\tif Half(4) != 2 {\n\t\tt.Fatal(strings.Repeat("wrong ", 2))\n\t}\n}\n',
    };
    const repo = await makeRepo(mod);
    dirs.push(repo);
    const cache = new EnvironmentCache(path.join(await tempDir('env-cache-'), 'envs'), 4096);
    const prepared = await prepareEnvironment({ tree: repo, repo: 'acme/half', sandbox, cache });
    assert.ok(prepared.ok, prepared.ok ? '' : prepared.reason);
    assert.deepEqual(prepared.env.plan.seeds, [{ from: 'gocache', to: '/env/gocache' }]);
    const entries = async (): Promise<number> => (await readdir(path.join(prepared.env.dir, 'gocache'), { recursive: true })).length;
    const warmed = await entries();
    assert.ok(warmed > 100, `the warm-up compiled into the cache (${warmed} entries)`);

    const patch = await diffFor(repo, { 'half.go': mod['half.go'].replace('n / 3', 'n / 2') });
    const report = await validatePatch({ repo, patch, sandbox, environment: prepared.env, testCommand: ['go', 'test', '-json', './...'], timeoutMs: 300_000, memoryMb: 2048, cpuSeconds: 600 });
    assert.equal(report.verdict, 'pass', report.reasons.join('; ') + (report.after?.outputTail ?? ''));
    assert.deepEqual(report.fixed, ['example.com/half.TestHalf']);
    assert.equal(await entries(), warmed, 'no run wrote into the shared cache');
  });

  test('an npm project is installed in the sandbox, cached by its manifests, and its tests run against it', async () => {
    const repo = await makeRepo(LIB);
    dirs.push(repo);
    const cache = new EnvironmentCache(path.join(await tempDir('env-cache-'), 'envs'), 4096);
    const first = await prepareEnvironment({ tree: repo, repo: 'acme/tiny-env', sandbox, cache });
    assert.ok(first.ok, first.ok ? '' : first.reason);
    assert.equal(first.env.cacheHit, false);
    assert.equal(first.env.plan.ecosystem, 'node');
    assert.equal(first.env.plan.manager, 'npm');
    assert.ok((await stat(path.join(first.env.dir, 'node_modules', 'is-number', 'package.json'))).isFile());
    const again = await prepareEnvironment({ tree: repo, repo: 'acme/tiny-env', sandbox, cache });
    assert.ok(again.ok && again.env.cacheHit, 'the second preparation is a cache hit');
    assert.equal(again.ok && again.env.key, first.env.key);

    const patch = await diffFor(repo, { 'index.js': LIB['index.js'].replace('x / 3', 'x / 2') });
    const report = await validatePatch({ repo, patch, sandbox, environment: again.ok ? again.env : null, timeoutMs: 60_000, memoryMb: 1024, cpuSeconds: 60 });
    assert.equal(report.verdict, 'pass', report.reasons.join('; ') + (report.after?.outputTail ?? ''));
    assert.deepEqual(report.fixed, ['halves']);
    assert.equal(report.environment?.cacheHit, true);
    assert.deepEqual(environmentMounts(again.ok ? again.env : first.env).map((m) => [m.target, m.writable]), [['/workspace/node_modules', false]]);
  });

  test('an install that fails comes back as a reason with the installer\'s last lines, and leaves no staging folder', async () => {
    const repo = await makeRepo({ ...LIB, 'package.json': JSON.stringify({ name: 'broken-env', version: '1.0.0', scripts: { test: 'node --test' }, dependencies: { 'globallm-no-such-package-zzz': '1.0.0' } }) });
    dirs.push(repo);
    const root = path.join(await tempDir('env-cache-'), 'envs');
    const cache = new EnvironmentCache(root, 4096);
    const r = await prepareEnvironment({ tree: repo, repo: 'acme/broken-env', sandbox, cache });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.reason, /install failed \(npm install .*exit \d+\)/);
    assert.match(r.ok ? '' : r.reason, /404|not found|E404/i, 'the installer\'s own words are kept');
    assert.deepEqual((await readdir(root)).filter((n) => n.includes('.tmp-')), []);
  });

  test('installs reach the package registries and nothing else: not the host\'s loopback services', async () => {
    const server = createServer((_req, res) => res.end('secret'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const work = await tempDir('egress-');
      await sandbox.prepareWorktree(work);
      const probe = `fetch('http://127.0.0.1:${port}/').then(r => r.text()).then(t => console.log('GOT', t), e => console.log('BLOCKED', e.cause?.code ?? e.message))`;
      const direct = await sandbox.run({ cwd: work, argv: ['node', '-e', probe], network: true, timeoutMs: 30_000, memoryMb: 1024, cpuSeconds: 30 });
      assert.doesNotMatch(direct.stdout, /GOT secret/);
      const viaProxy = await sandbox.run({ cwd: work, argv: ['node', '-e', `require('http').get({ host: '127.0.0.1', port: 3128, path: 'http://127.0.0.1:${port}/' }, (r) => console.log('STATUS', r.statusCode)).on('error', (e) => console.log('ERR', e.code))`], network: true, timeoutMs: 30_000, memoryMb: 1024, cpuSeconds: 30 });
      assert.match(viaProxy.stdout, /STATUS 407/, viaProxy.stdout + viaProxy.stderr);
      assert.ok((await sandbox.refusedEgress()).some((t) => t.includes(`127.0.0.1:${port}`)));
    } finally {
      server.close();
    }
  });

  test('the plan follows the tree: ecosystems, managers and toolchain requests', async () => {
    const py = await makeRepo({ 'pyproject.toml': '[project]\nname = "x"\nrequires-python = ">=3.99"\n[project.optional-dependencies]\ntest = ["pytest"]\n', 'x.py': '', 'tests/test_x.py': 'def test_x():\n    pass\n' });
    const go = await makeRepo({ 'go.mod': 'module example.com/x\n\ngo 1.21\n', 'x.go': 'package x\n' });
    const none = await makeRepo({ 'README.md': 'hi\n' });
    dirs.push(py, go, none);
    const p = await planEnvironment(py);
    assert.equal(p.ecosystem, 'python');
    assert.ok(p.steps.some((s) => s.argv.includes('.[test]')), JSON.stringify(p.steps));
    const pyNote = p.toolchain.find((t) => t.tool === 'python');
    assert.equal(pyNote?.mismatch, true, 'python >=3.99 is not on this machine: recorded, not silently ignored');
    const g = await planEnvironment(go);
    assert.equal(g.ecosystem, 'go');
    assert.equal(g.testEnv['GOPROXY'], 'off', 'tests run with no module downloads');
    assert.equal((await planEnvironment(none)).ecosystem, 'none');
  });

  test('version requests: ranges, bare versions and aliases', () => {
    assert.equal(meets('>=18', '20.20.2'), true);
    assert.equal(meets('^16', '20.20.2'), false);
    assert.equal(meets('20', '20.20.2'), true);
    assert.equal(meets('3.11', '3.11.2'), true);
    assert.equal(meets('3.12', '3.11.2'), false);
    assert.equal(meets('lts/*', '20.20.2'), true);
  });

  test('a cache folder the sandbox user cannot reach is refused with the setting that moves it', async () => {
    const priv = await mkdtemp(path.join(tmpdir(), 'env-private-'));
    dirs.push(priv);
    await chmod(priv, 0o700);
    const repo = await makeRepo(LIB);
    dirs.push(repo);
    await assert.rejects(prepareEnvironment({ tree: repo, repo: 'acme/tiny-env', sandbox, cache: new EnvironmentCache(path.join(priv, 'envs'), 4096) }), /GLOBALLM_ENV_CACHE_DIR/);
  });
});

describe('leftovers of crashed runs', () => {
  test('temporary folders of dead processes are swept; those of live ones are kept', async () => {
    const { sweepLeftovers } = await import('../../src/sandbox/sweep.js');
    const { mkdir } = await import('node:fs/promises');
    const root = await mkdtemp(path.join(tmpdir(), 'sweep-'));
    try {
      const dead = path.join(root, 'globallm-validate-999999999-abc');
      const live = path.join(root, `globallm-sbx-${process.pid}-abc`);
      const other = path.join(root, 'unrelated-999999999-x');
      for (const d of [dead, live, other]) await mkdir(path.join(d, 'inner'), { recursive: true });
      const swept = await sweepLeftovers(root);
      assert.equal(swept.folders, 1);
      assert.deepEqual((await readdir(root)).sort(), [path.basename(live), path.basename(other)].sort());
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
