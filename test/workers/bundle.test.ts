import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { workflowBundle } from '../../src/workers/bundle.js';

test('a workflow bundle that fails names the file and webpack\'s error, not only that webpack failed', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'globallm-bundle-'));
  try {
    const entry = path.join(dir, 'index.ts');
    await writeFile(entry, "export { missing } from './not-there.js';\nexport const broken = ;\n");
    const err = await workflowBundle(entry).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof Error, 'the bundle should fail');
    assert.match(err.message, /Webpack finished with errors/);
    assert.match(err.message, /ERROR in/);
    assert.match(err.message, /index\.ts/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the project\'s workflows bundle', async () => {
  const { code } = await workflowBundle();
  assert.match(code, /issueWorkflow/);
});
