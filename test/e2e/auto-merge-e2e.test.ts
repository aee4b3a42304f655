import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { exampleScript } from '../../src/examples/demo-script.js';
import { SLUGKIT } from '../../src/examples/files.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../src/sim/github/server.js';
import type { RepoRec } from '../../src/sim/github/world.js';
import { startLlmStandIn, type LlmStandIn } from '../../src/sim/llm/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { testTemporalAddress } from '../helpers/temporal.js';
import { startTestWorkers } from '../helpers/workers.js';
import { DOC_TITLE, docFixScript, followUpResult, outcomeKinds, runIssue, seedIssue } from '../helpers/issue-runs.js';

const author = { name: 'Maya Maintainer', email: 'maya@example.org' };
const BUG_TITLE = 'slugify leaves repeated dashes';
const BUG_BODY = "`slugify('Hello,  World!')` returns `hello---world-` in src/slug.js; expected `hello-world`.";

let db: TestDatabase;
let gh: GitHubStandIn;
let llm: LlmStandIn;
let dir: string;
let workers: Awaited<ReturnType<typeof startTestWorkers>>;
let connection: Connection;
let client: Client;

/** A copy of the slugkit example on the GitHub stand-in, with an optional consent file. */
async function addRepo(owner: string, name: string, consent: string | null, opts: { requiredChecks?: string[]; allowAutoMerge?: boolean } = {}): Promise<RepoRec> {
  gh.world.addUser(owner, { type: 'Organization' });
  const files: Record<string, string> = { ...SLUGKIT, ...(consent !== null ? { '.globallm.yml': consent } : {}) };
  const repo = await gh.world.addRepo({ owner, name, stars: 500, language: 'JavaScript', allowAutoMerge: true, ...opts, commits: [{ author, date: '2026-01-10T00:00:00Z', message: 'Initial commit', files }] });
  gh.world.addIssue(repo, { title: DOC_TITLE, body: 'The README example could show what a slug looks like.', user: 'gia', labels: ['documentation'] });
  gh.world.addIssue(repo, { title: BUG_TITLE, body: BUG_BODY, user: 'dana', labels: ['bug'] });
  await seedIssue(db.pool, { forge: 'github', owner, name, number: 1, title: DOC_TITLE, category: 'documentation' });
  await seedIssue(db.pool, { forge: 'github', owner, name, number: 2, title: BUG_TITLE, body: BUG_BODY, category: 'bug' });
  return repo;
}

function pullOf(repo: RepoRec, issue: number): NonNullable<RepoRec['issues'][number]['pull']> & { number: number; open: boolean } {
  const rec = repo.issues.find((i) => i.pull && i.user === 'globallm-bot' && new RegExp(`#${issue}:`).test(i.title));
  assert.ok(rec?.pull, `our PR for #${issue} exists in ${repo.owner}/${repo.name}`);
  return { ...rec.pull, number: rec.number, open: rec.state === 'open' };
}

before(async () => {
  [db, gh, llm] = await Promise.all([createTestDatabase(), startGitHubStandIn({ seedWorld: false, limits: { forkDelayMs: 50 } }), startLlmStandIn({ script: [...docFixScript(), ...exampleScript()] })]);
  dir = await mkdtemp(join(tmpdir(), 'globallm-automerge-'));
  workers = await startTestWorkers(db.pool, {
    GITHUB_API_URL: gh.url, GITHUB_TOKEN: 'stand-in', GITHUB_LOGIN: 'globallm-bot',
    OPENAI_BASE_URL: `${llm.url}/v1`, OPENAI_API_KEY: 'test', GLOBALLM_OPENAI_MODEL: 'gpt-4.1-mini',
    GLOBALLM_STATE_DIR: join(dir, 'state'), GLOBALLM_CACHE_DIR: join(dir, 'cache'), GLOBALLM_LOCAL_ROOT: join(dir, 'repos'),
    // A documentation fix breaks no test and no test can prove it: it is opened only when allowed.
    GLOBALLM_OPEN_UNPROVEN: 'true', GLOBALLM_MAX_OPEN_PRS_PER_REPO: '3', GLOBALLM_MAX_OPEN_PRS_PER_OWNER: '5',
  });
  connection = await Connection.connect({ address: testTemporalAddress() });
  client = new Client({ connection });
});
after(async () => {
  await workers.shutdown();
  await connection.close();
  await Promise.all([gh.close(), llm.close(), db.drop()]);
  await rm(dir, { recursive: true, force: true });
});

test('opted in + trivial: the draft is marked ready, auto-merge is enabled, and GitHub merges it once the required check passes', async () => {
  const repo = await addRepo('docorg', 'optin', 'autoMerge: true\n', { requiredChecks: ['ci/test'] });
  const ref = { forge: 'github' as const, owner: 'docorg', repo: 'optin', number: 1 };
  const finished = await runIssue(client, workers.prefix, ref);
  assert.equal(finished.outcome, 'pr_opened', JSON.stringify(finished));
  const run = await db.pool.query<{ auto: string | null }>(`SELECT detail->'pr'->>'autoMerge' AS auto FROM issue_runs WHERE workflow_id = 'issue/docorg/optin/1'`);
  assert.equal(run.rows[0]?.auto, 'enabled', 'the run records that auto-merge was enabled');
  const pull = pullOf(repo, 1);
  assert.equal(pull.draft, false, 'marked ready for review');
  assert.equal(pull.autoMerge?.method, 'SQUASH');
  assert.equal(pull.merged, false, 'the required check has not passed yet');

  // The repository's CI reports success on the PR head: GitHub merges it.
  const res = await fetch(`${gh.url}/repos/docorg/optin/statuses/${pull.headSha}`, { method: 'POST', headers: { authorization: 'token stand-in', 'content-type': 'application/json' }, body: JSON.stringify({ state: 'success', context: 'ci/test' }) });
  assert.equal(res.status, 201);
  assert.equal(pullOf(repo, 1).merged, true);

  const followed = await followUpResult(client, ref);
  assert.equal(followed.state, 'merged', 'the follow-up sees the merge');
  const row = await db.pool.query<{ state: string }>(`SELECT state FROM pull_requests WHERE owner = 'docorg' AND name = 'optin' AND issue_number = 1`);
  assert.equal(row.rows[0]?.state, 'merged');
  const outcomes = await outcomeKinds(db.pool, 'github', 'docorg', 'optin', 1);
  assert.deepEqual(outcomes.map((o) => o.kind), ['auto_merge', 'merged'], JSON.stringify(outcomes));
  assert.deepEqual(outcomes[0]?.detail, { state: 'enabled' });
});

test('opted in + trivial where no required check blocks the merge: GitHub refuses auto-merge for a clean PR, so it is merged at once', async () => {
  const repo = await addRepo('cleanorg', 'clean', 'autoMerge: true\n');
  const ref = { forge: 'github' as const, owner: 'cleanorg', repo: 'clean', number: 1 };
  const finished = await runIssue(client, workers.prefix, ref);
  assert.equal(finished.outcome, 'pr_opened', JSON.stringify(finished));
  const pull = pullOf(repo, 1);
  assert.equal(pull.merged, true);
  assert.equal((await followUpResult(client, ref)).state, 'merged');
  const outcomes = await outcomeKinds(db.pool, 'github', 'cleanorg', 'clean', 1);
  assert.deepEqual(outcomes.map((o) => [o.kind, o.detail['state'] ?? o.detail['via']]), [['auto_merge', 'merged'], ['merged', 'auto_merge']]);
});

test('opted in + trivial, but the repository does not allow auto-merge: not asked for, and the record says why', async () => {
  const repo = await addRepo('strictorg', 'strict', 'autoMerge: true\n', { allowAutoMerge: false });
  const finished = await runIssue(client, workers.prefix, { forge: 'github', owner: 'strictorg', repo: 'strict', number: 1 });
  assert.equal(finished.outcome, 'pr_opened', JSON.stringify(finished));
  const pull = pullOf(repo, 1);
  assert.equal(pull.draft, true);
  assert.equal(pull.autoMerge, null);
  assert.deepEqual(await outcomeKinds(db.pool, 'github', 'strictorg', 'strict', 1), [{ kind: 'auto_merge', detail: { state: 'not_enabled', reason: 'the repository\'s settings do not allow auto-merge' } }]);
});

test('opted in + a code change: not trivial, so the PR stays a draft and the record says why', async () => {
  const repo = gh.world.raw('docorg', 'optin');
  assert.ok(repo);
  const finished = await runIssue(client, workers.prefix, { forge: 'github', owner: 'docorg', repo: 'optin', number: 2 });
  assert.equal(finished.outcome, 'pr_opened', JSON.stringify(finished));
  const pull = pullOf(repo, 2);
  assert.equal(pull.draft, true);
  assert.equal(pull.autoMerge, null);
  const outcomes = await outcomeKinds(db.pool, 'github', 'docorg', 'optin', 2);
  assert.deepEqual(outcomes.map((o) => o.kind), ['auto_merge']);
  assert.equal(outcomes[0]?.detail['state'], 'not_enabled');
  assert.match(String(outcomes[0]?.detail['reason']), /^not a trivial change: src\/slug\.js is not a documentation file$|^not a trivial change: test\//);
});

test('not opted in: a trivial change opens as a draft and auto-merge is never asked for', async () => {
  const repo = await addRepo('plainorg', 'plain', null, { requiredChecks: ['ci/test'] });
  const finished = await runIssue(client, workers.prefix, { forge: 'github', owner: 'plainorg', repo: 'plain', number: 1 });
  assert.equal(finished.outcome, 'pr_opened', JSON.stringify(finished));
  const pull = pullOf(repo, 1);
  assert.equal(pull.draft, true);
  assert.equal(pull.autoMerge, null);
  assert.deepEqual(await outcomeKinds(db.pool, 'github', 'plainorg', 'plain', 1), []);
});

test('a malformed autoMerge value is a refusal recorded with the repository; nothing is generated or opened', async () => {
  const repo = await addRepo('badorg', 'badcfg', 'autoMerge: "yes"\n');
  const finished = await runIssue(client, workers.prefix, { forge: 'github', owner: 'badorg', repo: 'badcfg', number: 1 });
  assert.equal(finished.outcome, 'skipped');
  assert.match(finished.detail ?? '', /^consent_file_invalid: invalid consent file: autoMerge: /);
  const d = await db.pool.query<{ allowed: boolean; reason: string; source: string }>(`SELECT allowed, reason, source FROM consent_decisions WHERE owner = 'badorg' AND name = 'badcfg'`);
  assert.deepEqual(d.rows, [{ allowed: false, reason: 'consent_file_invalid', source: '.globallm.yml' }]);
  assert.equal(repo.issues.filter((i) => i.pull).length, 0);
});

test('a PR a maintainer closed bars its issue for good: run again, the issue is skipped before any fix is generated', async () => {
  const repo = gh.world.raw('docorg', 'optin');
  assert.ok(repo);
  const ref = { forge: 'github' as const, owner: 'docorg', repo: 'optin', number: 2 };
  const rec = repo.issues.find((i) => i.number === pullOf(repo, 2).number);
  assert.ok(rec);
  rec.state = 'closed';
  rec.closedAt = gh.world.now();
  const followed = await followUpResult(client, ref);
  assert.equal(followed.state, 'closed');
  const declined = await db.pool.query<{ pr_number: number }>(`SELECT pr_number FROM declined_issues WHERE forge = 'github' AND owner = 'docorg' AND name = 'optin' AND issue_number = 2`);
  assert.deepEqual(declined.rows, [{ pr_number: rec.number }], 'remembered in PostgreSQL');

  // Temporal's history of the first run plays no part: a fresh run reads PostgreSQL.
  const calls = llm.calls.length;
  const again = await runIssue(client, workers.prefix, ref);
  assert.equal(again.outcome, 'skipped');
  assert.match(again.detail ?? '', new RegExp(`^maintainer_closed: a maintainer closed our PR #${rec.number} on \\d{4}-\\d{2}-\\d{2} without merging it`));
  assert.equal(llm.calls.length, calls, 'no model call for a barred issue');
  assert.equal(repo.issues.filter((i) => i.pull && i.user === 'globallm-bot' && i.state === 'open' && /#2:/.test(i.title)).length, 0, 'no PR opened again');
});

test('our open PR whose issue was closed meanwhile is withdrawn: a comment says why, then it is closed, and the issue is not barred', async () => {
  const repo = gh.world.raw('plainorg', 'plain');
  assert.ok(repo);
  const issue = repo.issues.find((i) => i.number === 1);
  assert.ok(issue);
  issue.state = 'closed';
  issue.closedAt = gh.world.now();
  const followed = await followUpResult(client, { owner: 'plainorg', repo: 'plain', number: 1 });
  assert.equal(followed.state, 'closed');
  const pull = repo.issues.find((i) => i.number === pullOf(repo, 1).number);
  assert.equal(pull?.state, 'closed');
  assert.match(pull?.comments.at(-1)?.body ?? '', /^Issue #1 was closed, so this pull request is no longer needed/);
  const outcomes = await outcomeKinds(db.pool, 'github', 'plainorg', 'plain', 1);
  assert.deepEqual(outcomes.map((o) => [o.kind, o.detail['by']]), [['withdrawn', 'superseded']]);
  const declined = await db.pool.query(`SELECT 1 FROM declined_issues WHERE owner = 'plainorg'`);
  assert.equal(declined.rowCount, 0, 'our own closing is not a maintainer\'s');
});
