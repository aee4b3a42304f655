import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startGitHubStandIn, type GitHubStandIn } from '../../../src/sim/github/server.js';
import { Clock } from '../../../src/sim/github/clock.js';
import { WORLD_AUTHORED_AT } from '../../../src/sim/world/seed.js';
import { client, statusOf } from '../../helpers/github-helpers.js';

const run = promisify(execFile);
const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir(), GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.org' };

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await run('git', args, { cwd, env })).stdout.trim();
}

describe('GitHub stand-in git and writes', () => {
  let gh: GitHubStandIn;
  let work: string;
  let octokit: ReturnType<typeof client>;

  before(async () => {
    gh = await startGitHubStandIn({ limits: { forkDelayMs: 0 }, clock: Clock.startingAt(Date.parse(WORLD_AUTHORED_AT)) });
    work = await mkdtemp(path.join(tmpdir(), 'gh-git-test-'));
    octokit = client(gh.url);
  });
  after(async () => {
    await gh.close();
    await rm(work, { recursive: true, force: true });
  });

  test('git clone gets the real history; push is reflected by the API', async () => {
    const dir = path.join(work, 'typed-fetch');
    await git(work, 'clone', '--quiet', gh.gitUrl('tsworks', 'typed-fetch'), dir);
    assert.match(await readFile(path.join(dir, 'package.json'), 'utf8'), /"typed-fetch"/);
    assert.equal(await git(dir, 'rev-list', '--count', 'HEAD'), '3');
    assert.equal(await git(dir, 'log', '-1', '--format=%an %aI', 'HEAD~2'), 'Bob Okafor 2023-11-02T12:00:00+00:00');

    await writeFile(path.join(dir, 'NOTES.md'), 'pushed\n');
    await git(dir, 'add', 'NOTES.md');
    await git(dir, 'commit', '--quiet', '-m', 'Add notes');
    const sha = await git(dir, 'rev-parse', 'HEAD');
    await git(dir, 'push', '--quiet', 'origin', 'HEAD:refs/heads/notes');
    const ref = await octokit.rest.git.getRef({ owner: 'tsworks', repo: 'typed-fetch', ref: 'heads/notes' });
    assert.equal(ref.data.object.sha, sha);
    const content = await octokit.rest.repos.getContent({ owner: 'tsworks', repo: 'typed-fetch', path: 'NOTES.md', ref: 'notes' });
    assert.ok(!Array.isArray(content.data) && content.data.type === 'file');
    assert.equal(Buffer.from(content.data.content, 'base64').toString(), 'pushed\n');
    assert.ok(gh.counters.git >= 4);
  });

  test('clone of an unknown or vanished repository fails', async () => {
    await assert.rejects(git(work, 'clone', '--quiet', gh.gitUrl('tsworks', 'nope'), path.join(work, 'nope')));
    gh.world.vanish('appcraft', 'taskboard');
    await assert.rejects(git(work, 'clone', '--quiet', gh.gitUrl('appcraft', 'taskboard'), path.join(work, 'gone')));
  });

  test('fork, push a branch, open a PR, merge: base branch moves to a real merge commit', async () => {
    await octokit.rest.repos.createFork({ owner: 'gophers-united', repo: 'fastcache' });
    const dir = path.join(work, 'fastcache');
    await git(work, 'clone', '--quiet', gh.gitUrl('globallm-bot', 'fastcache'), dir);
    await writeFile(path.join(dir, 'evict.go'), 'package fastcache\n');
    await git(dir, 'add', '.');
    await git(dir, 'commit', '--quiet', '-m', 'Add eviction');
    await git(dir, 'push', '--quiet', 'origin', 'HEAD:refs/heads/evict');
    const pr = await octokit.rest.pulls.create({ owner: 'gophers-united', repo: 'fastcache', title: 'Evict', head: 'globallm-bot:evict', base: 'main', body: 'Fixes #1' });
    assert.equal(pr.status, 201);
    assert.equal(pr.data.head.label, 'globallm-bot:evict');
    await assert.rejects(octokit.rest.pulls.merge({ owner: 'gophers-united', repo: 'fastcache', pull_number: pr.data.number, sha: 'f'.repeat(40) }), (e: unknown) => statusOf(e) === 409);
    const merged = await octokit.rest.pulls.merge({ owner: 'gophers-united', repo: 'fastcache', pull_number: pr.data.number, merge_method: 'merge' });
    assert.equal(merged.data.merged, true);
    const upstream = path.join(work, 'fastcache-upstream');
    await git(work, 'clone', '--quiet', gh.gitUrl('gophers-united', 'fastcache'), upstream);
    assert.equal(await git(upstream, 'rev-parse', 'HEAD'), merged.data.sha);
    assert.equal((await git(upstream, 'log', '-1', '--format=%P')).split(' ').length, 2);
    assert.equal(await readFile(path.join(upstream, 'evict.go'), 'utf8'), 'package fastcache\n');
    const issue = await octokit.rest.issues.get({ owner: 'gophers-united', repo: 'fastcache', issue_number: 1 });
    assert.equal(issue.data.state, 'closed', 'the referenced issue was closed by the merge');
    await assert.rejects(octokit.rest.pulls.merge({ owner: 'gophers-united', repo: 'fastcache', pull_number: pr.data.number }), (e: unknown) => statusOf(e) === 405);
  });

  test('a PR without new commits is refused with GitHub validation errors', async () => {
    await assert.rejects(octokit.rest.pulls.create({ owner: 'pyfoundry', repo: 'quickparse', title: 'x', head: 'main', base: 'main' }), (e: unknown) => statusOf(e) === 422 && /No commits between/.test(JSON.stringify((e as { response?: { data?: unknown } }).response?.data)));
  });

  test('createCommitOnBranch writes a real commit and checks expectedHeadOid', async () => {
    const o = { owner: 'pyfoundry', repo: 'quickparse' };
    const before = (await octokit.rest.repos.getBranch({ ...o, branch: 'main' })).data.commit.sha;
    const mutation = `mutation($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid message } ref { name } } }`;
    const input = {
      branch: { repositoryNameWithOwner: 'pyfoundry/quickparse', branchName: 'main' },
      expectedHeadOid: before,
      message: { headline: 'Fix empty values', body: 'Closes #1' },
      fileChanges: { additions: [{ path: 'quickparse/empty.py', contents: Buffer.from('EMPTY = ""\n').toString('base64') }], deletions: [{ path: 'CHANGELOG.md' }] },
    };
    const res = await octokit.graphql<{ createCommitOnBranch: { commit: { oid: string; message: string } } }>(mutation, { input });
    const oid = res.createCommitOnBranch.commit.oid;
    assert.match(oid, /^[0-9a-f]{40}$/);
    const dir = path.join(work, 'quickparse');
    await git(work, 'clone', '--quiet', gh.gitUrl('pyfoundry', 'quickparse'), dir);
    assert.equal(await git(dir, 'rev-parse', 'HEAD'), oid);
    assert.equal(await git(dir, 'rev-parse', 'HEAD~1'), before);
    assert.equal(await readFile(path.join(dir, 'quickparse/empty.py'), 'utf8'), 'EMPTY = ""\n');
    assert.equal(await git(dir, 'ls-files', 'CHANGELOG.md'), '');
    assert.equal(await git(dir, 'log', '-1', '--format=%s'), 'Fix empty values');
    await assert.rejects(octokit.graphql(mutation, { input }), /Expected branch to point to/);
    await assert.rejects(octokit.graphql(mutation, { input: { ...input, expectedHeadOid: oid, fileChanges: { additions: [{ path: '../escape', contents: '' }] } } }), /Invalid path/);
  });
});
