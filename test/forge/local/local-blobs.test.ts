import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readBlobs } from '../../../src/forge/local/git.js';
import { makeRepo } from '../../helpers/git-fixtures.js';

describe('readBlobs: many files of one revision from one git process', () => {
  let dir: string;

  before(async () => {
    dir = path.join(await mkdtemp(path.join(tmpdir(), 'local-blobs-')), 'repo');
    makeRepo(dir, [{ author: 'ann', date: '2025-01-01T00:00:00Z', files: {
      'CONTRIBUTING.md': 'Welcome.\nTwo lines.\n',
      'docs/ÜBER.md': 'größe ✓\n',
      'empty.md': '',
      'with space.md': 'spaced\n',
      'nested/dir/file.txt': 'x',
    } }]);
  });
  after(async () => { await rm(path.dirname(dir), { recursive: true, force: true }); });

  test('returns each file verbatim, in the order asked, multi-byte text included', async () => {
    const texts = await readBlobs(dir, ['HEAD:CONTRIBUTING.md', 'HEAD:docs/ÜBER.md', 'HEAD:empty.md', 'HEAD:with space.md']);
    assert.deepEqual(texts, ['Welcome.\nTwo lines.\n', 'größe ✓\n', '', 'spaced\n']);
  });

  test('a missing path, a directory, a bad revision and a spec with a newline give null without shifting the others', async () => {
    const texts = await readBlobs(dir, ['HEAD:nope.md', 'HEAD:nested/dir', 'no-such-rev:CONTRIBUTING.md', 'HEAD:CONTRIBUTING.md\nHEAD:empty.md', 'HEAD:nested/dir/file.txt']);
    assert.deepEqual(texts, [null, null, null, null, 'x']);
  });

  test('no specs give no texts; a directory that is not a repository is an error', async () => {
    assert.deepEqual(await readBlobs(dir, []), []);
    await assert.rejects(readBlobs(tmpdir(), ['HEAD:x']));
  });
});
