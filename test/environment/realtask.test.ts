import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { splitTestCommand } from '../../src/cli/commands/validate.js';
import { prepareEnvironment } from '../../src/environment/prepare.js';
import { validatePatch } from '../../src/fix/validate/validate.js';
import { BubblewrapSandbox } from '../../src/sandbox/bubblewrap.js';
import { registryHosts, trustEnv } from '../../src/sandbox/egress/registries.js';
import { projectRoot } from '../../src/util/project-root.js';
import { loadTasks } from '../../bench/realtasks/tasks.js';
import { sharedEnvironmentCache } from '../helpers/fix-pipeline.js';

// Real tasks (real repositories, their real dependencies from the registries, their real test
// suites) through the validation path, with the environment cache the suite shares: one of the
// shared PrismJS set when it is there, and the project's own Python and Go sets, always.
const SHARED = process.env['REALTASKS_DIR'] ?? path.join(projectRoot, '..', 'shared', 'data', 'realtasks', 'tasks');
const CASES = [
  { dir: SHARED, id: 'PrismJS__prism-2946' },
  { dir: path.join(projectRoot, 'bench', 'data', 'realtasks-python', 'tasks'), id: 'benjaminp__six-seeded-1' },
  { dir: path.join(projectRoot, 'bench', 'data', 'realtasks-go', 'tasks'), id: 'google__uuid-seeded-1' },
];

describe('real tasks: prepared environments, per-test verdicts', async () => {
  const sandbox = new BubblewrapSandbox({ registryHosts: registryHosts(process.env), trustEnv: trustEnv(process.env) });
  const work = await mkdtemp(path.join(tmpdir(), 'realtask-'));
  await chmod(work, 0o711);
  after(async () => {
    await sandbox.close();
    await rm(work, { recursive: true, force: true });
  });

  for (const { dir, id } of CASES) {
    const present = await stat(path.join(dir, id)).then(() => true, () => false);
    test(`${id}: test.patch alone fails with each FAIL_TO_PASS test failing; with gold.patch it passes, every PASS_TO_PASS intact`, { skip: present ? false : `no task set at ${dir}` }, async () => {
      const [task] = await loadTasks(dir, id);
      assert.ok(task);
      const repo = path.join(work, id);
      execFileSync('git', ['clone', '--quiet', '--no-checkout', '--', task.source, repo]);
      execFileSync('git', ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', task.meta.base_commit], { cwd: repo });
      const env = await prepareEnvironment({ tree: repo, repo: task.meta.repo, sandbox, cache: sharedEnvironmentCache() });
      assert.ok(env.ok, env.ok ? '' : env.reason);
      const common = { repo, sandbox, environment: env.env, testCommand: splitTestCommand(task.meta.test_cmd), timeoutMs: 300_000 };

      const a = await validatePatch({ ...common, patch: task.test });
      assert.equal(a.verdict, 'fail', a.reasons.join('; '));
      assert.notEqual(a.after?.resultSource, 'none', 'per-test results come from the runner (its report, or go test -json on its output), not the exit code');
      for (const t of task.tests.FAIL_TO_PASS) assert.ok(a.after?.results.failed.includes(t), `${t} fails without the fix`);

      const b = await validatePatch({ ...common, patch: task.gold, testPatch: task.test });
      assert.equal(b.verdict, 'pass', b.reasons.join('; '));
      for (const t of task.tests.FAIL_TO_PASS) assert.ok(b.fixed.includes(t), `${t} is fixed`);
      for (const t of task.tests.PASS_TO_PASS) assert.ok(b.after?.results.passed.includes(t), `${t} still passes`);
      assert.deepEqual(b.broken, []);
    });
  }
});
