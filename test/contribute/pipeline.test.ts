import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { checkConsent } from '../../src/contribute/check-consent.js';
import { openPullRequest, type ContributeDeps } from '../../src/contribute/contribute.js';
import { followUp } from '../../src/contribute/follow-up.js';
import { outcomeHistory } from '../../src/db/outcomes.js';
import { smoothedRate } from '../../src/scoring/outcomes.js';
import type { ContributionRequest } from '../../src/contribute/schema.js';
import { findPrRow } from '../../src/db/pull-requests.js';
import { registerPrs } from '../../src/cli/program/prs.js';
import { Unavailable, UsageError } from '../../src/errors.js';
import { releasePrSlot, SLOT_LAPSES_AFTER_MINUTES, takePrSlot } from '../../src/db/pr-slots.js';
import type { ForgeWriter } from '../../src/forge/writer.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../src/sim/github/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { writerFor } from '../helpers/forge-write.js';

const quickparse = { owner: 'pyfoundry', name: 'quickparse' };
const author = { name: 'Alice', email: 'alice@example.org' };

function request(repo: { owner: string; name: string }, issue: number, over: Partial<ContributionRequest> = {}): ContributionRequest {
  return {
    forge: 'github', repo, issue: { number: issue, title: `Issue ${issue} @someone #99`, category: 'bug' },
    files: [
      { path: 'quickparse/core.py', before: 'old\n', after: `fixed ${issue}\n`, note: 'the fix' },
      { path: 'tests/test_fix.py', after: 'def test_fix():\n    assert True\n' },
    ],
    summary: 'Handles the empty value.',
    evidence: { testCommand: 'pytest', failedBefore: ['tests/test_fix.py::test_fix'], passedAfter: ['tests/test_fix.py::test_fix'], newTests: ['tests/test_fix.py::test_fix'], logExcerpt: '1 passed' },
    disclosure: { model: 'test-model', inputTokens: 1000, outputTokens: 200, costUsd: 0.01 },
    ...over,
  };
}

describe('contribute pipeline (stand-in + PostgreSQL)', () => {
  let gh: GitHubStandIn;
  let db: TestDatabase;
  let stateDir: string;
  let writer: ForgeWriter;
  let mutations: () => number;
  let deps: ContributeDeps;

  before(async () => {
    [gh, db] = await Promise.all([startGitHubStandIn({ limits: { forkDelayMs: 50 } }), createTestDatabase()]);
    stateDir = await mkdtemp(path.join(tmpdir(), 'contribute-io-'));
    ({ writer, mutations } = writerFor(gh));
    deps = { pool: db.pool, forge: writer, caps: { maxOpenPrsPerRepo: 3, maxOpenPrsPerOwner: 10, requireOptIn: false }, stateDir };
    await gh.world.addRepo({ owner: 'policyorg', name: 'nobots', commits: [{ author, date: '2025-01-01T00:00:00Z', message: 'init', files: { 'README.md': '# x\n', 'CONTRIBUTING.md': '# Contributing\n\nThanks for helping!\n\n## AI\n\nWe do not accept AI-generated pull requests; they will be closed.\n' } }] });
    await gh.world.addRepo({ owner: 'policyorg', name: 'optout', commits: [{ author, date: '2025-01-01T00:00:00Z', message: 'init', files: { 'README.md': '# y\n', '.github/globallm.yml': 'enabled: false\n' } }] });
    const capped = await gh.world.addRepo({ owner: 'caporg', name: 'one', commits: [{ author, date: '2025-01-01T00:00:00Z', message: 'init', files: { 'README.md': '# one\n' } }] });
    for (let i = 0; i < 3; i++) gh.world.addIssue(capped, { title: `Bug ${i}`, user: 'dave' });
    const two = await gh.world.addRepo({ owner: 'caporg', name: 'two', commits: [{ author, date: '2025-01-01T00:00:00Z', message: 'init', files: { 'README.md': '# two\n' } }] });
    gh.world.addIssue(two, { title: 'Bug', user: 'dave' });
  });
  after(async () => {
    await Promise.all([gh.close(), db.drop()]);
    await rm(stateDir, { recursive: true, force: true });
  });

  test('a PR whose body or patch would publish a credential of this deployment is refused before anything is written', async () => {
    gh.resetCounters();
    const before = mutations();
    const secret = 'ghp_walkthroughSECRETvalue123';
    await assert.rejects(openPullRequest({ ...deps, secrets: [secret] }, request(quickparse, 4, { summary: `Debug info: token=${secret}` })), /publish a credential/);
    await assert.rejects(openPullRequest({ ...deps, secrets: [secret] }, request(quickparse, 4, { dryRun: true, files: [{ path: 'quickparse/core.py', after: `KEY = "${secret}"\n` }] })), /publish a credential/);
    assert.equal(gh.counters.rest_write + mutations() - before, 0);
    assert.equal(await findPrRow(db.pool, 'github', quickparse, 4), null, 'not even a preview is kept');
  });

  test('dry run writes nothing to the forge; the preview is stored and shown by `prs preview`', async () => {
    gh.resetCounters();
    const before = mutations();
    const r = await openPullRequest(deps, request(quickparse, 2, { dryRun: true }));
    assert.equal(r.status, 'preview');
    assert.equal(gh.counters.rest_write + mutations() - before, 0);
    const row = await findPrRow(db.pool, 'github', quickparse, 2);
    assert.equal(row?.state, 'preview');
    assert.match(row?.patch ?? '', /\+fixed 2/);
    if (r.status !== 'preview' || !r.files) throw new Error('preview files expected');
    assert.match(await readFile(r.files.body, 'utf8'), /Fixes #2/);

    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const saved = process.env['DATABASE_URL'];
    process.env['DATABASE_URL'] = db.url;
    process.stdout.write = ((chunk: string) => { out.push(String(chunk)); return true; });
    try {
      const program = new Command().exitOverride();
      registerPrs(program);
      await program.parseAsync(['node', 'globallm', 'prs', 'preview', 'pyfoundry/quickparse#2']);
      await program.parseAsync(['node', 'globallm', 'prs', 'list', '--json']);
      await assert.rejects(program.parseAsync(['node', 'globallm', 'prs', 'preview', 'not a target']), UsageError);
      await assert.rejects(program.parseAsync(['node', 'globallm', 'prs', 'list', '--state', 'bogus']), UsageError);
    } finally {
      process.stdout.write = write;
      if (saved === undefined) delete process.env['DATABASE_URL'];
      else process.env['DATABASE_URL'] = saved;
    }
    const text = out.join('');
    assert.match(text, /## AI disclosure/);
    assert.match(text, /\+fixed 2/);
    assert.match(text, /"state": "preview"/);
  });

  test('opens a draft PR with evidence, disclosure and Fixes #n in at most 4 writes; a retry opens nothing more', async () => {
    gh.resetCounters();
    const m0 = mutations();
    const r = await openPullRequest(deps, request(quickparse, 2));
    assert.equal(r.status, 'opened');
    const w = gh.counters.rest_write + mutations() - m0;
    assert.ok(w <= 4, `writes ${w}`);
    const pr = gh.world.raw('pyfoundry', 'quickparse')?.issues.find((i) => i.pull && i.user === 'globallm-bot');
    assert.ok(pr?.pull?.draft);
    assert.match(pr.body ?? '', /## Evidence[\s\S]*Failed before the change/);
    assert.match(pr.body ?? '', /## AI disclosure[\s\S]*test-model/);
    assert.match(pr.body ?? '', /\nFixes #2\n$/);
    assert.doesNotMatch(pr.title, /@someone/, 'the mention is broken in the title');
    const row = await findPrRow(db.pool, 'github', quickparse, 2);
    assert.equal(row?.state, 'draft');
    assert.equal(row?.number, pr.number);

    // Retry of the same activity: finds its own PR and branch, writes nothing.
    gh.resetCounters();
    const m1 = mutations();
    const again = await openPullRequest(deps, request(quickparse, 2));
    assert.equal(again.status, 'unchanged');
    assert.equal(gh.counters.rest_write + mutations() - m1, 0);
    // Retry after a lost answer (the row never learnt the PR number): adopts the PR.
    await db.pool.query("UPDATE pull_requests SET number = NULL, state = 'pending' WHERE id = $1", [row.id]);
    const adopted = await openPullRequest(deps, request(quickparse, 2));
    assert.ok(adopted.status === 'unchanged' || adopted.status === 'updated');
    assert.equal((await findPrRow(db.pool, 'github', quickparse, 2))?.number, pr.number);
    // Retry after the commit landed but was never recorded: the branch holds it, no second commit.
    const branch = row.branch;
    const tip = (await writer.findExisting(quickparse, 2, branch)).ownBranchOid;
    await db.pool.query('UPDATE pull_requests SET head_oid = NULL WHERE id = $1', [row.id]);
    const recommitted = await openPullRequest(deps, request(quickparse, 2));
    assert.ok(recommitted.status === 'unchanged' || recommitted.status === 'updated', recommitted.status);
    assert.equal((await writer.findExisting(quickparse, 2, branch)).ownBranchOid, tip, 'no second commit');
    assert.equal((await findPrRow(db.pool, 'github', quickparse, 2))?.head_oid, tip, 'the commit is recorded now');
    // A new fix for the same issue (a run reset to before its fix was made) replaces the open PR
    // (test/contribute/supersede.test.ts has the details); the old branch is left as it was.
    const changed = await openPullRequest(deps, request(quickparse, 2, { summary: 'A better fix.', files: [{ path: 'quickparse/core.py', after: 'better\n' }] }));
    assert.equal(changed.status, 'opened');
    assert.equal(changed.status === 'opened' ? changed.detail : '', `opened #${changed.status === 'opened' ? changed.pull.number : 0} with a newer fix and closed #${pr.number} in its favour`);
    assert.equal(gh.world.raw('pyfoundry', 'quickparse')?.issues.filter((i) => i.pull && i.user === 'globallm-bot' && i.state === 'open' && /Fix #2:/.test(i.title)).length, 1);
    assert.equal((await writer.findExisting(quickparse, 2, branch)).ownBranchOid, tip, 'no second commit on the old branch');
    assert.doesNotMatch(gh.world.raw('pyfoundry', 'quickparse')?.issues.find((i) => i.number === pr.number)?.body ?? '', /A better fix/);
  });

  test('a 422 "already exists" on creation is handled by adopting our PR', async () => {
    const blind: ForgeWriter = Object.create(writer) as ForgeWriter;
    blind.findExisting = async (...args) => ({ ...(await writer.findExisting(...args)), ownPull: null, ownBranchOid: null });
    const first = await openPullRequest(deps, request(quickparse, 3));
    assert.equal(first.status, 'opened');
    await db.pool.query("DELETE FROM pull_requests WHERE issue_number = 3");
    const second = await openPullRequest({ ...deps, forge: blind }, request(quickparse, 3));
    assert.equal(second.status, 'updated');
    if (first.status !== 'opened' || second.status !== 'updated') return;
    assert.equal(second.pull.number, first.pull.number);
    assert.equal(gh.world.raw('pyfoundry', 'quickparse')?.issues.filter((i) => i.pull && i.user === 'globallm-bot' && i.pull.headRef === first.pull.headRefName).length, 1);
  });

  test('dedupe: a linked PR, an assignee or a claim skips the issue and records why', async () => {
    gh.resetCounters();
    const m0 = mutations();
    const linked = await openPullRequest(deps, request(quickparse, 6));
    const assigned = await openPullRequest(deps, request(quickparse, 1));
    const claimed = await openPullRequest(deps, request(quickparse, 5));
    assert.deepEqual([linked, assigned, claimed].map((r) => (r.status === 'skipped' ? r.reason : r.status)), ['linked_pr', 'assigned', 'claimed']);
    assert.equal(gh.counters.rest_write + mutations() - m0, 0);
    const rec = await db.pool.query<{ reason: string; detail: string }>("SELECT reason, detail FROM consent_decisions WHERE reason LIKE 'duplicate:%' ORDER BY id");
    assert.deepEqual(rec.rows.map((r) => r.reason), ['duplicate:linked_pr', 'duplicate:assigned', 'duplicate:claimed']);
    assert.match(rec.rows[0]?.detail ?? '', /#7 by bob/);
  });

  test('consent refusal is recorded with the deciding quote; an opt-out file refuses too', async () => {
    const no = await checkConsent(deps, { owner: 'policyorg', name: 'nobots' }, { number: 1 });
    assert.equal(no.decision.allowed, false);
    assert.equal(no.decision.allowed ? '' : no.decision.reason, 'ai_policy_rejects');
    assert.equal(no.quote, 'We do not accept AI-generated pull requests; they will be closed.');
    assert.equal(no.source, 'CONTRIBUTING.md');
    const row = await db.pool.query<{ allowed: boolean; quote: string; source: string }>('SELECT allowed, quote, source FROM consent_decisions WHERE id = $1', [no.decisionId]);
    assert.deepEqual(row.rows[0], { allowed: false, quote: no.quote, source: 'CONTRIBUTING.md' });

    const out = await checkConsent(deps, { owner: 'policyorg', name: 'optout' });
    assert.equal(out.decision.allowed ? '' : out.decision.reason, 'opted_out');
    assert.equal(out.source, '.github/globallm.yml');
    assert.match(out.quote ?? '', /enabled: false/);

    const yes = await checkConsent(deps, { owner: 'tsworks', name: 'typed-fetch' });
    assert.equal(yes.decision.allowed, true);
  });

  test('per-repository and per-owner open-PR caps skip the PR and say which cap; no slot is left taken', async () => {
    const capped: ContributeDeps = { ...deps, caps: { maxOpenPrsPerRepo: 1, maxOpenPrsPerOwner: 2, requireOptIn: false } };
    const one = { owner: 'caporg', name: 'one' };
    const skipReason = (r: Awaited<ReturnType<typeof openPullRequest>>): string => (r.status === 'skipped' ? `${r.reason}: ${r.detail}` : r.status);
    assert.equal((await openPullRequest(capped, request(one, 1))).status, 'opened');
    assert.equal(skipReason(await openPullRequest(capped, request(one, 2))), 'repo_pr_cap: 1 open PRs, cap 1');
    const loose: ContributeDeps = { ...capped, caps: { ...capped.caps, maxOpenPrsPerRepo: 5 } };
    assert.equal((await openPullRequest(loose, request(one, 2))).status, 'opened');
    assert.equal(skipReason(await openPullRequest(loose, request({ owner: 'caporg', name: 'two' }, 1))), 'owner_pr_cap: 2 open PRs for caporg, cap 2');
    assert.equal((await checkConsent(capped, one)).decision.allowed, false);
    const decisions = await db.pool.query<{ reason: string }>(`SELECT reason FROM consent_decisions WHERE owner = 'caporg' AND NOT allowed AND detail LIKE '%open PRs%' ORDER BY id`);
    assert.deepEqual(decisions.rows.map((r) => r.reason).slice(0, 2), ['repo_pr_cap', 'owner_pr_cap']);
    assert.equal((await db.pool.query('SELECT 1 FROM pr_open_slots')).rowCount, 0);
  });

  test('a PR being opened holds its slot: another issue of the same owner is skipped by the owner cap until it is freed', async () => {
    const caps = { maxOpenPrsPerRepo: 5, maxOpenPrsPerOwner: 1, requireOptIn: false };
    const slot = { forge: 'github', owner: 'SlotOrg', name: 'a', issueNumber: 1 };
    assert.deepEqual(await takePrSlot(db.pool, { ...slot, caps: { repo: 5, owner: 1 }, forgeCounts: { inRepo: 0, forOwner: 0 } }), { taken: true });
    const other = { ...slot, name: 'b', issueNumber: 7, caps: { repo: caps.maxOpenPrsPerRepo, owner: caps.maxOpenPrsPerOwner }, forgeCounts: { inRepo: 0, forOwner: 0 } };
    assert.deepEqual(await takePrSlot(db.pool, other), { taken: false, reason: 'owner_pr_cap', detail: '1 open PRs for SlotOrg, cap 1' });
    // The same issue again (a retried attempt) takes its own slot back.
    assert.deepEqual(await takePrSlot(db.pool, { ...slot, owner: 'slotorg', caps: { repo: 5, owner: 1 }, forgeCounts: { inRepo: 0, forOwner: 0 } }), { taken: true });
    // The forge's own count (a PR this database never recorded) counts as well.
    assert.equal((await takePrSlot(db.pool, { ...other, owner: 'elsewhere', forgeCounts: { inRepo: 0, forOwner: 1 } })).taken, false);
    await releasePrSlot(db.pool, slot);
    assert.deepEqual(await takePrSlot(db.pool, other), { taken: true });
    await releasePrSlot(db.pool, other);
    // A slot of an attempt that died lapses.
    await takePrSlot(db.pool, { ...slot, caps: { repo: 5, owner: 1 }, forgeCounts: { inRepo: 0, forOwner: 0 } });
    await db.pool.query(`UPDATE pr_open_slots SET taken_at = now() - make_interval(mins => ${SLOT_LAPSES_AFTER_MINUTES + 1})`);
    assert.deepEqual(await takePrSlot(db.pool, other), { taken: true });
    await db.pool.query('DELETE FROM pr_open_slots');
  });

  test('follow-up records review comments, closing and ignored PRs; the ranking\'s outcome history follows', async () => {
    const one = await findPrRow(db.pool, 'github', { owner: 'caporg', name: 'one' }, 1);
    assert.ok(one?.number);
    const repo = gh.world.raw('caporg', 'one');
    const prIssue = repo?.issues.find((i) => i.number === one.number);
    assert.ok(repo && prIssue);
    gh.world.addComment(repo, prIssue, 'caporg', 'Thanks, but we prefer a different approach.');
    prIssue.state = 'closed';
    prIssue.closedAt = gh.world.now();
    const r1 = await followUp(db.pool, writer, one, { ignoredAfterDays: 30 });
    assert.deepEqual(r1.recorded.map((o) => o.kind), ['review_comment', 'closed']);
    assert.equal(r1.state, 'closed');
    const r2 = await followUp(db.pool, writer, one, { ignoredAfterDays: 30 });
    assert.deepEqual(r2.recorded, [], 'nothing is recorded twice');

    const two = await findPrRow(db.pool, 'github', { owner: 'caporg', name: 'one' }, 2);
    assert.ok(two);
    const r3 = await followUp(db.pool, writer, two, { ignoredAfterDays: 0 });
    assert.deepEqual(r3.recorded.map((o) => o.kind), ['ignored']);

    // The ranking's outcomes term reads these fates: both PRs count against the repository and the category.
    const repoId = (await db.pool.query<{ id: string }>(`INSERT INTO repositories (forge, owner, name) VALUES ('github', 'caporg', 'one') RETURNING id`)).rows[0]!.id;
    const history = await outcomeHistory(db.pool, repoId, 'bug');
    assert.deepEqual(history.repository, { merged: 0, closed: 2 }, 'one closed, one ignored');
    assert.equal(smoothedRate(history.repository), 0.25);
    assert.ok(history.category.closed >= 2 && history.category.merged === 0, JSON.stringify(history.category));
    await assert.rejects(followUp(db.pool, writer, { ...two, number: null }, { ignoredAfterDays: 1 }), UsageError);
  });

  test('a fork that never becomes ready is a recorded, retryable failure', async () => {
    const slow = await startGitHubStandIn({ limits: { forkDelayMs: 3_600_000 } });
    try {
      const { writer: slowWriter } = writerFor(slow);
      await assert.rejects(openPullRequest({ ...deps, forge: slowWriter }, request({ owner: 'gophers-united', name: 'fastcache' }, 1), { wait: { timeoutMs: 150, intervalMs: 25 } }), Unavailable);
      const row = await findPrRow(db.pool, 'github', { owner: 'gophers-united', name: 'fastcache' }, 1);
      assert.equal(row?.state, 'pending');
      assert.equal(row?.last_error?.stage, 'fork');
      assert.equal(row?.last_error?.retryable, true);
      assert.match(row?.last_error?.message ?? '', /not ready/);
      assert.equal(row?.number, null);
    } finally {
      await slow.close();
    }
  });

  test("the consent file's labels are put on the opened PR and kept on its row", async () => {
    const repo = await gh.world.addRepo({ owner: 'labelorg', name: 'tagged', commits: [{ author, date: '2025-01-01T00:00:00Z', message: 'init', files: { 'README.md': '# t\n' } }] });
    gh.world.addIssue(repo, { title: 'Bug', user: 'dave' });
    const tagged = { owner: 'labelorg', name: 'tagged' };
    const r = await openPullRequest(deps, request(tagged, 1, { labels: ['ai-assisted', 'bot'] }));
    assert.equal(r.status, 'opened');
    if (r.status !== 'opened') return;
    assert.deepEqual(gh.world.raw('labelorg', 'tagged')?.issues.find((i) => i.number === r.pull.number)?.labels, ['ai-assisted', 'bot']);
    assert.deepEqual((await findPrRow(db.pool, 'github', tagged, 1))?.labels, ['ai-assisted', 'bot']);
    await assert.rejects(openPullRequest(deps, request(tagged, 1, { labels: [''] })), UsageError);
  });

  test('bad requests are refused before any forge call', async () => {
    gh.resetCounters();
    await assert.rejects(openPullRequest(deps, request(quickparse, 2, { files: [{ path: '../etc/passwd', after: 'x' }] })), UsageError);
    await assert.rejects(openPullRequest(deps, request(quickparse, 2, { files: [] })), UsageError);
    await assert.rejects(openPullRequest(deps, { ...request(quickparse, 2), forge: 'local' }), UsageError);
    assert.equal(gh.counters.graphql_requests + gh.counters.rest_read + gh.counters.rest_write, 0);
  });
});
