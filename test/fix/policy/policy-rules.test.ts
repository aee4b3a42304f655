import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { memoryBaseTree } from '../../../src/fix/policy/base-tree.js';
import { renderPolicyDoc } from '../../../src/fix/policy/doc.js';
import { pathFindings, refusalReasons } from '../../../src/fix/policy/guard.js';
import { checkPatchPolicy } from '../../../src/fix/policy/patch.js';
import { canonicalPathKey } from '../../../src/fix/policy/protected-paths.js';
import { POLICY_RULES, type RuleId } from '../../../src/fix/policy/rules.js';
import type { ChangedFile } from '../../../src/fix/policy/types.js';
import { caseBase, casePatch, GUARD_CORPUS } from '../../../bench/data/guard-corpus.js';

const rulesOf = (path: string): RuleId[] => pathFindings(path).map((f) => f.rule);
const change = (path: string, before: string | undefined, after: string): ChangedFile => ({ path, before, after });

describe('the policy table', () => {
  test('docs/policy.md is rendered from the table and up to date', async () => {
    const doc = await readFile(new URL('../../../docs/policy.md', import.meta.url), 'utf8');
    assert.equal(doc, renderPolicyDoc(), 'run: node --import tsx scripts/policy-doc.ts');
    for (const rule of POLICY_RULES) assert.match(doc, new RegExp(`\\| \`${rule.id}\` \\|`));
  });

  test('rule ids are unique', () => {
    assert.equal(new Set(POLICY_RULES.map((r) => r.id)).size, POLICY_RULES.length);
  });
});

describe('path rules', () => {
  const cases: [string, RuleId][] = [
    ['.github/workflows/ci.yml', 'ci'], ['action.yml', 'ci'], ['tools/release/action.yaml', 'ci'], ['.gitlab-ci.yml', 'ci'],
    ['.circleci/config.yml', 'ci'], ['azure-pipelines.yml', 'ci'], ['Jenkinsfile', 'ci'], ['.travis.yml', 'ci'], ['.buildkite/pipeline.yml', 'ci'],
    ['.husky/pre-commit', 'git-hooks'], ['.pre-commit-config.yaml', 'git-hooks'], ['lefthook.yml', 'git-hooks'], ['.githooks/pre-push', 'git-hooks'],
    ['gradlew', 'wrappers'], ['gradle/wrapper/gradle-wrapper.properties', 'wrappers'], ['mvnw', 'wrappers'], ['.mvn/wrapper/maven-wrapper.properties', 'wrappers'],
    ['.npmrc', 'package-manager-config'], ['.yarnrc', 'package-manager-config'], ['.yarnrc.yml', 'package-manager-config'], ['.pnpmfile.cjs', 'package-manager-config'],
    ['pip.conf', 'package-manager-config'], ['.cargo/config', 'package-manager-config'], ['.cargo/config.toml', 'package-manager-config'], ['settings.xml', 'package-manager-config'],
    ['.gitmodules', 'submodules'], ['setup.py', 'install-time-code'], ['crates/x/build.rs', 'install-time-code'],
    ['Dockerfile', 'containers'], ['docker/Dockerfile.dev', 'containers'], ['docker-compose.yml', 'containers'],
    ['jest.config.ts', 'test-config'], ['vitest.config.mts', 'test-config'], ['.mocharc.json', 'test-config'], ['karma.conf.js', 'test-config'],
    ['pytest.ini', 'test-config'], ['tests/conftest.py', 'test-config'], ['tox.ini', 'test-config'], ['tsconfig.test.json', 'test-config'], ['tsconfig.spec.json', 'test-config'],
  ];
  test('each protected path is refused by its rule', () => {
    for (const [path, rule] of cases) assert.ok(rulesOf(path).includes(rule), `${path}: ${rulesOf(path).join(',')}`);
  });

  test('case, ./, //, .., backslashes, trailing dots, compatibility forms and look-alikes do not hide a path', () => {
    const tricks: [string, RuleId][] = [
      ['.GitHub/WORKFLOWS/ci.YML', 'ci'], ['./.github/workflows/ci.yml', 'ci'], ['.github//workflows/ci.yml', 'ci'],
      ['src/../.github/workflows/ci.yml', 'ci'], ['.github\\workflows\\ci.yml', 'ci'], ['action.yml.', 'ci'], ['ACTION.YML ', 'ci'],
      ['.gitm\u043edules', 'submodules'], ['.npm\u0433c'.replace('\u0433', 'r'), 'package-manager-config'], ['\uff0enpmrc', 'package-manager-config'],
      ['.git\u200bmodules', 'submodules'], ['Docker\u0066ile', 'containers'], ['.\u0441argo/config.toml', 'package-manager-config'],
    ];
    for (const [path, rule] of tricks) assert.ok(rulesOf(path).includes(rule), `${JSON.stringify(path)}: ${rulesOf(path).join(',')}`);
    assert.equal(canonicalPathKey('a/./b//../c\\D.'), 'a/c/d');
    assert.deepEqual(rulesOf('.git\u200bmodules').sort(), ['path-form', 'submodules']);
  });

  test('ordinary paths, including look-alike names in other places, pass', () => {
    for (const path of ['src/index.ts', 'src/github/workflows.ts', 'lib/action.ts', 'docs/ci.md', 'src/environment.ts', 'test/env.test.js', 'docs/user guide.md',
      'docs/ru/\u0440\u0443\u043a\u043e\u0432\u043e\u0434\u0441\u0442\u0432\u043e.md', 'src/main/java/org/Build.java', 'tests/test_setup.py', 'src/docker.ts']) {
      assert.deepEqual(rulesOf(path), [], path);
    }
  });
});

describe('content rules', () => {
  const pkg = (extra: object): string => JSON.stringify({ name: 'x', scripts: { test: 'mocha' }, dependencies: { a: '^1.0.0' }, ...extra });
  const refused = (f: ChangedFile): string => refusalReasons(f).join('; ');

  test('package.json: every script entry, scp-style and other foreign specs, test configuration', () => {
    assert.match(refused(change('package.json', pkg({}), pkg({ scripts: { test: 'mocha', pretest: 'node x' } }))), /^package-scripts: .*"pretest"/);
    assert.match(refused(change('package.json', pkg({}), pkg({ scripts: { test: 'true' } }))), /package-scripts: .*"test"/);
    assert.match(refused(change('package.json', pkg({}), pkg({ scripts: {} }))), /package-scripts/);
    for (const spec of ['git@github.com:evil/a.git', 'evil/a', 'git+ssh://git@github.com/evil/a', 'file:../a', 'npm:b@1', 'https://x.example/a.tgz', '../a']) {
      assert.match(refused(change('package.json', pkg({}), pkg({ dependencies: { a: spec } }))), /dependency-sources/, spec);
    }
    for (const spec of ['^1.2.0', '~1.0.1', '>=1 <2', 'latest', '1.x', '*']) assert.equal(refused(change('package.json', pkg({}), pkg({ dependencies: { a: spec } }))), '', spec);
    assert.match(refused(change('package.json', pkg({}), pkg({ mocha: { grep: 'x' } }))), /test-config/);
  });

  test('pyproject.toml, setup.cfg, Cargo.toml and go.mod sections', () => {
    const py = '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n[tool.pytest.ini_options]\naddopts = "-q"\n\n[tool.black]\nline-length = 88\n';
    assert.match(refused(change('pyproject.toml', py, py.replace('setuptools.build_meta', 'evil'))), /build-backend/);
    assert.match(refused(change('pyproject.toml', py, py.replace('"-q"', '"-q -x"'))), /test-config: changes \[tool\.pytest\.ini_options\]/);
    assert.equal(refused(change('pyproject.toml', py, py.replace('88', '100'))), '');
    const cfg = '[metadata]\nname = x\n\n[options]\ninstall_requires =\n    a\n\n[tool:pytest]\naddopts = -q\n\n[flake8]\nmax-line-length = 88\n';
    assert.match(refused(change('setup.cfg', cfg, cfg.replace('-q', '-q -k nothing'))), /test-config: changes \[tool:pytest\]/);
    assert.match(refused(change('setup.cfg', cfg, cfg.replace('    a\n', '    a\n    b\n'))), /unverifiable-manifest: changes \[options\]/);
    assert.equal(refused(change('setup.cfg', cfg, cfg.replace('88', '100'))), '');
    const cargo = '[package]\nname = "x"\n\n[dependencies]\nserde = "1"\n';
    assert.match(refused(change('Cargo.toml', cargo, `${cargo}\n[patch.crates-io]\nserde = { path = "../serde" }\n`)), /dependency-sources/);
    assert.match(refused(change('Cargo.toml', cargo, cargo.replace('name = "x"', 'name = "x"\nbuild = "gen.rs"'))), /build-backend/);
    const gomod = 'module m\n\ngo 1.22\n\nrequire a.example/b v1.0.0\n';
    assert.match(refused(change('go.mod', gomod, gomod.replace('go 1.22', 'go 1.22\ntoolchain go1.23.0'))), /toolchain-pins/);
    assert.match(refused(change('go.mod', gomod, `${gomod}replace (\n\ta.example/b => ../b\n)\n`)), /dependency-sources/);
  });

  test('lockfiles: scp-style remotes and go.sum hash changes', () => {
    const yarn = 'a@^1:\n  resolved "https://registry.yarnpkg.com/a/-/a-1.0.0.tgz"\n';
    assert.match(refused(change('yarn.lock', yarn, `${yarn}b@^1:\n  resolved "git@evil.example:o/b.git"\n`)), /lockfile-registries: .*evil\.example/);
    const sum = 'a.example/b v1.0.0 h1:abc=\n';
    assert.match(refused(change('go.sum', sum, 'a.example/b v1.0.0 h1:xyz=\n')), /hash/);
    assert.equal(refused(change('go.sum', sum, `${sum}a.example/b v1.0.1 h1:def=\n`)), '');
  });
});

describe('the guard corpus', () => {
  for (const c of GUARD_CORPUS) {
    test(`${c.kind} ${c.id}`, async () => {
      const refusals = await checkPatchPolicy(casePatch(c), memoryBaseTree(caseBase(c)));
      if (c.kind === 'benign') assert.deepEqual(refusals, []);
      else assert.ok(refusals.some((r) => r.rule === c.rule), `expected rule ${c.rule ?? '?'}, got ${JSON.stringify(refusals)}`);
    });
  }
  test('covers at least 60 hostile edits in every ecosystem', () => {
    const hostile = GUARD_CORPUS.filter((c) => c.kind === 'hostile');
    assert.ok(hostile.length >= 60);
    for (const eco of ['npm', 'python', 'go', 'rust', 'java']) assert.ok(hostile.filter((c) => c.ecosystem === eco).length >= 8, eco);
  });
});
