import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { prepareEnvironment } from '../../../src/environment/prepare.js';
import type { PreparedEnvironment } from '../../../src/environment/schema.js';
import { validatePatch } from '../../../src/fix/validate/validate.js';
import type { ValidationReport } from '../../../src/fix/validate/schema.js';
import { BubblewrapSandbox } from '../../../src/sandbox/bubblewrap.js';
import { registryHosts, trustEnv } from '../../../src/sandbox/egress/registries.js';
import { sharedEnvironmentCache } from '../../helpers/fix-pipeline.js';
import { diffFor, makeRepo } from '../../helpers/temp-repo.js';

// Real runners from the npm registry, installed in the sandbox, started by the repository's own
// npm script: our hooks must read each test's result whatever the script and the runner's config.

const CJS = { buggy: 'exports.sum = (a, b) => a - b;\n', fixed: 'exports.sum = (a, b) => a + b;\n' };
const ESM = { buggy: 'export const sum = (a, b) => a - b;\n', fixed: 'export const sum = (a, b) => a + b;\n' };
const SUITE = "describe('sum', () => {\n  it('adds', () => { expect(sum(2, 3)).toBe(5); });\n  it('keeps zero', () => { expect(sum(0, 0)).toBe(0); });\n});\n";
const BODY = `const { sum } = require('../src/sum.js');\n${SUITE}`;
const ASSERT_BODY = `const assert = require('node:assert');\nconst expect = (v) => ({ toBe: (w) => assert.strictEqual(v, w) });\n${BODY}`;

function pkg(name: string, scripts: Record<string, string>, devDependencies: Record<string, string>, type = 'commonjs'): string {
  return JSON.stringify({ name, version: '1.0.0', private: true, type, scripts, devDependencies }, null, 2);
}

interface RunnerCase {
  runner: string;
  files: Record<string, string>;
  sum: { buggy: string; fixed: string };
  /** The id the runner's hook gives the test the fix repairs. */
  fixed: string;
  kept: string;
}

const CASES: RunnerCase[] = [
  {
    // mocha 12 is ESM, loaded by mocha itself with require().
    runner: 'mocha 12',
    files: { 'package.json': pkg('sum-mocha', { test: 'mocha test/*.test.js' }, { mocha: '12.0.3' }), 'test/sum.test.js': ASSERT_BODY },
    sum: CJS,
    fixed: 'sum adds',
    kept: 'sum keeps zero',
  },
  {
    runner: 'jasmine 5',
    files: {
      // A chained script and a helper that clears the reporters: the results are still read.
      'package.json': pkg('sum-jasmine', { test: 'npm run unit', unit: 'jasmine' }, { jasmine: '5.13.0' }),
      'spec/support/jasmine.json': JSON.stringify({ spec_dir: 'spec', spec_files: ['**/*.spec.js'], helpers: ['helpers/**/*.js'] }),
      'spec/helpers/quiet.js': 'jasmine.getEnv().clearReporters();\n',
      'spec/sum.spec.js': BODY,
    },
    sum: CJS,
    fixed: 'sum adds',
    kept: 'sum keeps zero',
  },
  {
    runner: 'jasmine 7',
    files: {
      'package.json': pkg('sum-jasmine7', { test: 'jasmine' }, { jasmine: '7.0.0' }),
      'spec/support/jasmine.json': JSON.stringify({ spec_dir: 'spec', spec_files: ['**/*.spec.js'] }),
      'spec/sum.spec.js': BODY,
    },
    sum: CJS,
    fixed: 'sum adds',
    kept: 'sum keeps zero',
  },
  {
    runner: 'jest 29',
    files: { 'package.json': pkg('sum-jest29', { test: 'jest' }, { jest: '29.7.0' }), 'test/sum.test.js': BODY },
    sum: CJS,
    fixed: 'test/sum.test.js > sum > adds',
    kept: 'test/sum.test.js > sum > keeps zero',
  },
  {
    runner: 'jest 30',
    files: { 'package.json': pkg('sum-jest30', { test: 'jest --ci' }, { jest: '30.5.2' }), 'test/sum.test.js': BODY },
    sum: CJS,
    fixed: 'test/sum.test.js > sum > adds',
    kept: 'test/sum.test.js > sum > keeps zero',
  },
  {
    runner: 'vitest 4',
    files: {
      'package.json': pkg('sum-vitest', { test: 'vitest run' }, { vitest: '4.1.12' }, 'module'),
      'vitest.config.js': "export default { test: { globals: true, reporters: ['dot'] } };\n",
      'test/sum.test.js': `import { sum } from '../src/sum.js';\n${SUITE}`,
    },
    sum: ESM,
    fixed: 'test/sum.test.js > sum > adds',
    kept: 'test/sum.test.js > sum > keeps zero',
  },
];

describe('per-test results of mocha, jasmine, jest and vitest', () => {
  const sandbox = new BubblewrapSandbox({ registryHosts: registryHosts(process.env), trustEnv: trustEnv(process.env) });
  const dirs: string[] = [];
  after(async () => {
    await sandbox.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  async function prepared(c: RunnerCase): Promise<{ repo: string; env: PreparedEnvironment }> {
    const name = c.runner.replace(/\W+/g, '-');
    const repo = await makeRepo({ ...c.files, 'src/sum.js': c.sum.buggy });
    dirs.push(repo);
    const env = await prepareEnvironment({ tree: repo, repo: `acme/${name}`, sandbox, cache: sharedEnvironmentCache(), timeoutMs: 600_000 });
    assert.ok(env.ok, env.ok ? '' : env.reason);
    return { repo, env: env.env };
  }

  async function validate(c: RunnerCase, repo: string, env: PreparedEnvironment, testCommand?: string[]): Promise<ValidationReport> {
    const patch = await diffFor(repo, { 'src/sum.js': c.sum.fixed });
    return validatePatch({ repo, patch, sandbox, environment: env, timeoutMs: 120_000, memoryMb: 2048, cpuSeconds: 120, ...(testCommand ? { testCommand } : {}) });
  }

  for (const c of CASES) {
    test(`${c.runner}: the failing test is named fixed, read from the runner's report`, async () => {
      const { repo, env } = await prepared(c);
      const report = await validate(c, repo, env);
      const why = `${report.reasons.join('; ')}\n${report.after?.outputTail ?? ''}`;
      assert.equal(report.verdict, 'pass', why);
      assert.deepEqual(report.fixed, [c.fixed], why);
      assert.equal(report.before?.resultSource, 'report', why);
      assert.equal(report.after?.resultSource, 'report', why);
      assert.deepEqual(report.before?.results.passed, [c.kept], 'the same ids on both sides');
      assert.deepEqual(report.after?.results.passed.sort(), [c.fixed, c.kept].sort());
      assert.deepEqual(report.broken, []);
    });
  }

  test('a runner whose hook cannot write its results is judged by exit codes, and the verdict says so', async () => {
    const jest = CASES.find((c) => c.runner === 'jest 30');
    assert.ok(jest);
    const { repo, env } = await prepared(jest);
    const report = await validate(jest, repo, env, ['env', 'GLOBALLM_RESULTS_DIR=/env/results/missing', 'npm', 'test']);
    assert.equal(report.verdict, 'pass', report.reasons.join('; '));
    assert.equal(report.before?.resultSource, 'none');
    assert.equal(report.after?.resultSource, 'none');
    assert.deepEqual(report.fixed, []);
    assert.ok(report.reasons.some((r) => /judged by exit codes alone/.test(r)), report.reasons.join('; '));
  });
});
