import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkpointAt, prepareStep } from '../../../src/fix/pipeline/prepare-step.js';
import type { FixCheckpoint } from '../../../src/fix/schema.js';
import { git, makeRepo, PY_BUGGY } from '../../helpers/temp-repo.js';

const USAGE = { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 };
const OLD = 'a'.repeat(40);
const NEW = 'b'.repeat(40);
const WORKED: FixCheckpoint = {
  stage: 'apply', commit: OLD,
  localized: { files: [{ path: 'calc.py', symbols: [], reason: 'r' }], rejected: [], usage: USAGE, model: 'm' },
  candidates: [{ index: 0, explanation: 'e', edits: [], refusedPaths: [], repaired: false, error: null, model: 'm', usage: USAGE }],
};

describe('checkpointAt', () => {
  test('a checkpoint taken at the same commit keeps its model output', () => {
    assert.deepEqual(checkpointAt(WORKED, OLD, 'acme/calc'), WORKED);
  });

  test('a fresh checkpoint takes the commit', () => {
    assert.deepEqual(checkpointAt({ stage: 'prepare', candidates: [] }, NEW, 'acme/calc'), { stage: 'prepare', candidates: [], commit: NEW });
  });

  test('when the branch moved, the localization and candidates are dropped and the new commit kept', () => {
    const cp = checkpointAt(WORKED, NEW, 'acme/calc');
    assert.equal(cp.commit, NEW);
    assert.equal(cp.localized, undefined);
    assert.deepEqual(cp.candidates, []);
    assert.equal(cp.stage, 'apply');
    assert.equal(WORKED.candidates.length, 1, 'the given checkpoint is not changed');
  });
});

describe('prepareStep', () => {
  const dirs: string[] = [];
  after(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

  async function setup(): Promise<{ src: string; cacheDir: string }> {
    const src = await makeRepo(PY_BUGGY);
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'prepare-step-'));
    dirs.push(src, cacheDir);
    return { src, cacheDir };
  }

  test('gives a worktree at the branch head, the repository model and index, and the checkpoint for that commit', async () => {
    const { src, cacheDir } = await setup();
    const head = git(src, ['rev-parse', 'HEAD']).trim();
    const step = await prepareStep({ cacheDir, repo: 'acme/calc', source: { localPath: src }, baseBranch: 'main', label: '7', checkpoint: WORKED });
    try {
      assert.equal(step.prepared.commit, head);
      assert.equal(await readFile(path.join(step.prepared.worktree, 'calc.py'), 'utf8'), PY_BUGGY['calc.py']);
      assert.equal(step.context.commit, head);
      assert.ok(step.context.index.files.some((f) => f.path === 'calc.py'), 'the index lists the repository files');
      assert.equal(step.checkpoint.commit, head);
      assert.deepEqual(step.checkpoint.candidates, [], 'a checkpoint from another commit is dropped');
    } finally {
      await step.prepared.dispose();
    }
    await assert.rejects(access(step.prepared.worktree));
  });

  test('when the repository model cannot be stored, the step fails and removes its worktree', async () => {
    const { src, cacheDir } = await setup();
    await writeFile(path.join(cacheDir, 'models'), 'not a folder');
    await assert.rejects(prepareStep({ cacheDir, repo: 'acme/calc', source: { localPath: src }, baseBranch: 'main', label: '7', checkpoint: { stage: 'prepare', candidates: [] } }), /ENOTDIR|EEXIST/);
    assert.deepEqual(await readdir(path.join(cacheDir, 'worktrees')), []);
  });

  test('a missing branch fails before any worktree exists', async () => {
    const { src, cacheDir } = await setup();
    await assert.rejects(prepareStep({ cacheDir, repo: 'acme/calc', source: { localPath: src }, baseBranch: 'no-such-branch', label: '7', checkpoint: { stage: 'prepare', candidates: [] } }), /fetch/);
    await assert.rejects(access(path.join(cacheDir, 'worktrees')));
  });
});
