import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createFixActivities, NO_MODEL_MESSAGE, type FixIssueInput } from '../../../src/activities/fix.js';
import { MemoryTokenBudget } from '../../../src/budget/memory-budget.js';
import type { FixResult } from '../../../src/fix/schema.js';
import { prepareWorktree } from '../../../src/fix/prepare/cache.js';
import { loadRepoContext } from '../../../src/fix/prepare/repo-context.js';
import { git, makeRepo, PY_BUGGY } from '../../helpers/temp-repo.js';
import { fix, GOOD_FIX, ISSUE, OPTIONS, pick, world } from '../../helpers/fix-pipeline.js';

describe('worktree cache', () => {
  const dirs: string[] = [];
  after(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

  test('a second issue of the same repository fetches into the existing mirror instead of cloning', async () => {
    const src = await makeRepo(PY_BUGGY);
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'fix-cache-'));
    dirs.push(src, cacheDir);
    const first = await prepareWorktree({ cacheDir, repo: 'acme/calc', source: { localPath: src }, baseBranch: 'main', label: '1' });
    assert.equal(first.action, 'clone');
    assert.equal(first.commit, git(src, ['rev-parse', 'HEAD']).trim());
    assert.equal(await readFile(path.join(first.worktree, 'calc.py'), 'utf8'), PY_BUGGY['calc.py']);
    await writeFile(path.join(src, 'calc.py'), 'def add(a, b):\n    return a + b\n');
    git(src, ['commit', '-qam', 'second']);
    const second = await prepareWorktree({ cacheDir, repo: 'ACME/calc', source: { localPath: src }, baseBranch: 'main', label: '2' });
    assert.equal(second.action, 'fetch');
    assert.equal(second.mirror, first.mirror);
    assert.equal(second.commit, git(src, ['rev-parse', 'HEAD']).trim());
    assert.notEqual(second.commit, first.commit);
    assert.match(await readFile(path.join(second.worktree, 'calc.py'), 'utf8'), /a \+ b/);
    // The first worktree still sits at its own commit; no source location is stored in the mirror's config.
    assert.equal(await readFile(path.join(first.worktree, 'calc.py'), 'utf8'), PY_BUGGY['calc.py']);
    assert.doesNotMatch(await readFile(path.join(first.mirror, 'config'), 'utf8'), /url|remote/);
    await first.dispose();
    await second.dispose();
    await assert.rejects(access(first.worktree));
    // The repository model is cached per commit.
    const wt = await prepareWorktree({ cacheDir, repo: 'acme/calc', source: { localPath: src }, baseBranch: 'main', label: '3' });
    const a = await loadRepoContext({ cacheDir, repo: 'acme/calc', commit: wt.commit, worktree: wt.worktree });
    const b = await loadRepoContext({ cacheDir, repo: 'acme/calc', commit: wt.commit, worktree: wt.worktree });
    assert.equal(a.cached, false);
    assert.equal(b.cached, true);
    assert.deepEqual(b.context, a.context);
    assert.ok(a.context.index.files.some((f) => f.path === 'calc.py' && f.symbols.some((s) => s.name === 'add')));
    await wt.dispose();
  });

  test('bad sources, branches and repository names are refused before git runs', async () => {
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'fix-cache-'));
    dirs.push(cacheDir);
    const base = { cacheDir, repo: 'acme/calc', baseBranch: 'main', label: '1' };
    await assert.rejects(prepareWorktree({ ...base, source: { cloneUrl: 'https://user:secret@example.com/a/b.git' } }), /credentials/);
    await assert.rejects(prepareWorktree({ ...base, source: { cloneUrl: 'ext::sh -c touch% /tmp/pwned' } }), /URL/);
    await assert.rejects(prepareWorktree({ ...base, source: { cloneUrl: 'file:///etc' } }), /http/);
    await assert.rejects(prepareWorktree({ ...base, source: { localPath: 'relative/path' } }), /absolute/);
    await assert.rejects(prepareWorktree({ ...base, source: { localPath: '/nonexistent/dir' } }), /not found/);
    await assert.rejects(prepareWorktree({ ...base, baseBranch: '--upload-pack=evil', source: { localPath: '/tmp' } }), /unsafe base branch/);
    await assert.rejects(prepareWorktree({ ...base, repo: '../etc', source: { localPath: '/tmp' } }), /malformed repository/);
    await assert.rejects(prepareWorktree({ ...base, label: '../x', source: { localPath: '/tmp' } }), /label/);
  });
});

describe('fixIssue activity', () => {
  test('without a model it fails non-retryably with a clear message', async () => {
    const acts = createFixActivities({ llm: undefined, budget: new MemoryTokenBudget(), cacheDir: tmpdir() });
    const env = new MockActivityEnvironment();
    await assert.rejects(env.run((i: FixIssueInput) => acts.fixIssue(i), { repo: 'acme/calc', issue: ISSUE, localPath: '/tmp', baseBranch: 'main' }), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.equal(err.message, NO_MODEL_MESSAGE);
      assert.equal((err as { nonRetryable?: boolean }).nonRetryable, true);
      return true;
    });
  });

  test('heartbeats checkpoints, and a retried attempt resumes from them without calling the model again', async () => {
    const w = await world();
    try {
      const repo = await w.repo();
      w.sim.setScript([pick(['calc.py']), fix('fix', GOOD_FIX)]);
      const acts = createFixActivities({ ...w.deps, options: OPTIONS, heartbeatMs: 50 });
      const input = { repo: 'acme/calc', issue: ISSUE, localPath: repo, baseBranch: 'main', candidates: 1 };
      const env = new MockActivityEnvironment();
      const beats: unknown[] = [];
      env.on('heartbeat', (d: unknown) => beats.push(d));
      const result = await env.run<[FixIssueInput], FixResult, (i: FixIssueInput) => Promise<FixResult>>((i) => acts.fixIssue(i), input);
      assert.equal(result.status, 'generated', 'the generate stage leaves validation to its own stage');
      assert.equal(result.candidates[0]?.status, 'applied');
      const last = beats.findLast((b) => (b as { stage?: string }).stage === 'apply');
      assert.ok(last, 'a checkpoint at the apply step was heartbeated');
      const calls = w.sim.calls.length;
      const retry = new MockActivityEnvironment({ heartbeatDetails: last, attempt: 2 });
      const again = await retry.run<[FixIssueInput], FixResult, (i: FixIssueInput) => Promise<FixResult>>((i) => acts.fixIssue(i), input);
      assert.equal(again.status, 'generated');
      assert.equal(w.sim.calls.length, calls);
      await assert.rejects(env.run((i: FixIssueInput) => acts.fixIssue(i), { ...input, localPath: undefined }), /exactly one of cloneUrl and localPath/);
    } finally {
      await w.close();
    }
  });
});
