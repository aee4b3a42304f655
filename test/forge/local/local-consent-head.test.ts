import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NotFound, UsageError } from '../../../src/errors.js';
import { LocalForgeWriter } from '../../../src/forge/local/writer.js';
import { LocalForgeReader } from '../../../src/forge/local/reader.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { git } from '../../helpers/forge-write.js';

/** A repository under `root` with CONTRIBUTING.md committed on `branch` (or nothing committed). */
async function repo(root: string, name: string, branch: string, commit = true): Promise<string> {
  const dir = path.join(root, name);
  await git(root, 'init', '--quiet', '-b', branch, dir);
  if (!commit) return dir;
  await writeFile(path.join(dir, 'CONTRIBUTING.md'), `contributions to ${name} welcome\n`);
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '--quiet', '-m', 'init');
  return dir;
}

describe('local forge: the consent read and the HEAD it is read at', () => {
  let db: TestDatabase;
  let root: string;
  let w: LocalForgeWriter;

  before(async () => {
    db = await createTestDatabase();
    root = await mkdtemp(path.join(tmpdir(), 'local-consent-'));
    w = new LocalForgeWriter({ pool: db.pool, root });
  });
  after(async () => {
    await db.drop();
    await rm(root, { recursive: true, force: true });
  });

  test('on a branch: its name, its commit and the files at that commit', async () => {
    const dir = await repo(root, 'onbranch', 'feature/x');
    const snap = await w.readConsentFiles({ owner: 'local', name: 'onbranch' });
    assert.equal(snap.defaultBranch, 'feature/x');
    assert.equal(snap.baseOid, await git(dir, 'rev-parse', 'HEAD'));
    assert.deepEqual(snap.files, [{ path: 'CONTRIBUTING.md', text: 'contributions to onbranch welcome\n' }]);
  });

  test('one git process tells the directory, branch and commit of a repository on a branch; anything less plain is left to the careful way', async () => {
    const reader = new LocalForgeReader(root);
    const dir = await repo(root, 'quick', 'release/2');
    assert.deepEqual(await reader.directoryOnBranch({ owner: 'local', name: 'quick' }), { dir: await realpath(dir), branch: 'release/2', oid: await git(dir, 'rev-parse', 'HEAD') });
    await repo(root, 'quick-unborn', 'dev', false);
    assert.equal(await reader.directoryOnBranch({ owner: 'local', name: 'quick-unborn' }), null);
    const detached = await repo(root, 'quick-detached', 'main');
    await git(detached, 'checkout', '--quiet', '--detach');
    assert.equal(await reader.directoryOnBranch({ owner: 'local', name: 'quick-detached' }), null);
    await mkdir(path.join(root, 'quick-plain'));
    assert.equal(await reader.directoryOnBranch({ owner: 'local', name: 'quick-plain' }), null);
  });

  test('a detached HEAD reads its commit under the default name, as before', async () => {
    const dir = await repo(root, 'detached', 'trunk');
    await git(dir, 'checkout', '--quiet', '--detach');
    const snap = await w.readConsentFiles({ owner: 'local', name: 'detached' });
    assert.equal(snap.defaultBranch, 'main');
    assert.equal(snap.baseOid, await git(dir, 'rev-parse', 'HEAD'));
    assert.equal(snap.files.length, 1);
  });

  test('a repository with no commit yet has no files and no commit', async () => {
    await repo(root, 'unborn', 'dev', false);
    const snap = await w.readConsentFiles({ owner: 'local', name: 'unborn' });
    assert.equal(snap.defaultBranch, 'dev');
    assert.equal(snap.baseOid, null);
    assert.deepEqual(snap.files, []);
  });

  test('a directory that is no repository, or only inside one, is refused; a missing one is not found', async () => {
    await mkdir(path.join(root, 'plain'));
    await assert.rejects(w.readConsentFiles({ owner: 'local', name: 'plain' }), UsageError);
    const outer = await repo(await mkdtemp(path.join(tmpdir(), 'local-consent-outer-')), 'outer', 'main');
    const nested = new LocalForgeWriter({ pool: db.pool, root: outer });
    await mkdir(path.join(outer, 'inner'));
    await assert.rejects(nested.readConsentFiles({ owner: 'local', name: 'inner' }), UsageError);
    await assert.rejects(w.readConsentFiles({ owner: 'local', name: 'absent' }), NotFound);
    await assert.rejects(w.readConsentFiles({ owner: 'local', name: '..' }), UsageError);
    await assert.rejects(w.readConsentFiles({ owner: 'someone', name: 'onbranch' }), NotFound);
    await rm(path.dirname(outer), { recursive: true, force: true });
  });
});
