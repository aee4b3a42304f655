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

// One real task (a real repository, its real dependencies from the registry, its real test
// suite) through the validation path, with the environment cache the suite shares.
const TASKS = process.env['REALTASKS_DIR'] ?? path.join(projectRoot, '..', 'shared', 'data', 'realtasks', 'tasks');
const TASK = 'PrismJS__prism-2946';

describe('a real task: prepared environment, per-test verdicts', async () => {
  const present = await stat(path.join(TASKS, TASK)).then(() => true, () => false);
  const sandbox = new BubblewrapSandbox({ registryHosts: registryHosts(process.env), trustEnv: trustEnv(process.env) });
  const work = await mkdtemp(path.join(tmpdir(), 'realtask-'));
  await chmod(work, 0o711);
  after(async () => {
    await sandbox.close();
    await rm(work, { recursive: true, force: true });
  });

  test('test.patch alone fails with each FAIL_TO_PASS test failing; with gold.patch it passes, every PASS_TO_PASS intact', { skip: present ? false : `no task set at ${TASKS}` }, async () => {
    const [task] = await loadTasks(TASKS, TASK);
    assert.ok(task);
    const repo = path.join(work, 'repo');
    execFileSync('git', ['clone', '--quiet', '--no-checkout', '--', task.source, repo]);
    execFileSync('git', ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', task.meta.base_commit], { cwd: repo });
    const env = await prepareEnvironment({ tree: repo, repo: task.meta.repo, sandbox, cache: sharedEnvironmentCache() });
    assert.ok(env.ok, env.ok ? '' : env.reason);
    const common = { repo, sandbox, environment: env.env, testCommand: splitTestCommand(task.meta.test_cmd), timeoutMs: 300_000 };

    const a = await validatePatch({ ...common, patch: task.test });
    assert.equal(a.verdict, 'fail', a.reasons.join('; '));
    assert.equal(a.after?.resultSource, 'report', 'per-test results come from the runner, not the exit code');
    for (const t of task.tests.FAIL_TO_PASS) assert.ok(a.after?.results.failed.includes(t), `${t} fails without the fix`);

    const b = await validatePatch({ ...common, patch: task.gold, testPatch: task.test });
    assert.equal(b.verdict, 'pass', b.reasons.join('; '));
    for (const t of task.tests.FAIL_TO_PASS) assert.ok(b.fixed.includes(t), `${t} is fixed`);
    for (const t of task.tests.PASS_TO_PASS) assert.ok(b.after?.results.passed.includes(t), `${t} still passes`);
    assert.deepEqual(b.broken, []);
  });
});
