import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPullRequest, type ContributeDeps } from '../../src/contribute/contribute.js';
import { followUp } from '../../src/contribute/follow-up.js';
import { supersedingBranch } from '../../src/contribute/supersede.js';
import type { ContributionRequest } from '../../src/contribute/schema.js';
import { findFollowedPrRow, findPrRow, listPrRows, outcomesFor, type PrRow } from '../../src/db/pull-requests.js';
import { branchName } from '../../src/forge/writer.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../src/sim/github/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { writerFor } from '../helpers/forge-write.js';

// A newer fix of ours replaces our open PR on GitHub (the stand-in): a new PR on the fix's own
// branch, the old one closed with a comment that links it, and the replacement recorded.

const repo = { owner: 'fixorg', name: 'parser' };
const BOT = 'globallm-bot';

function request(issue: number, fix: string): ContributionRequest {
  return {
    forge: 'github', repo, issue: { number: issue, title: `Parser drops the value ${issue}`, category: 'bug' },
    files: [{ path: 'quickparse/core.py', before: 'old\n', after: `${fix}\n`, note: 'the fix' }],
    summary: `Fix: ${fix}.`,
    evidence: { testCommand: 'pytest', failedBefore: ['t::a'], passedAfter: ['t::a'], newTests: [] },
    disclosure: { model: 'test-model', inputTokens: 10, outputTokens: 2, costUsd: 0 },
  };
}

describe('a newer fix replaces our open PR (stand-in + PostgreSQL)', () => {
  let gh: GitHubStandIn;
  let db: TestDatabase;
  let deps: ContributeDeps;
  /** The same, with room for one open PR per issue under the caps. */
  let roomy: ContributeDeps;
  let writes: () => number;

  before(async () => {
    // The first request to close a PR fails with a 502, as a GitHub outage would.
    [gh, db] = await Promise.all([startGitHubStandIn({ limits: { forkDelayMs: 50 }, faults: { kinds: ['502'], rate: 0, seed: 1, failPullCloses: 1 } }), createTestDatabase()]);
    const { writer, mutations } = writerFor(gh);
    deps = { pool: db.pool, forge: writer, caps: { maxOpenPrsPerRepo: 1, maxOpenPrsPerOwner: 10, requireOptIn: false } };
    const made = await gh.world.addRepo({ ...repo, commits: [{ author: { name: 'Alice', email: 'alice@example.org' }, date: '2025-01-01T00:00:00Z', message: 'init', files: { 'README.md': '# parser\n', 'quickparse/core.py': 'old\n' } }] });
    for (let i = 1; i <= 7; i++) gh.world.addIssue(made, { title: `Parser drops the value ${i}`, user: 'dave' });
    roomy = { ...deps, caps: { ...deps.caps, maxOpenPrsPerRepo: 10 } };
    writes = () => gh.counters.rest_write + mutations();
  });
  after(async () => { await Promise.all([gh.close(), db.drop()]); });

  const pulls = (issue: number) => (gh.world.raw(repo.owner, repo.name)?.issues ?? []).filter((i) => i.pull && i.user === BOT && i.title.startsWith(`Fix #${issue}:`));
  const openPulls = (issue: number): number[] => pulls(issue).filter((i) => i.state === 'open').map((i) => i.number);
  /** As if the attempt that opened the new PR died before it closed `number`: open, its row live, nothing recorded. */
  const reopenAsOwed = async (number: number): Promise<void> => {
    await deps.forge.updatePullRequest(repo, number, { state: 'open' });
    await db.pool.query(`UPDATE pull_requests SET state = 'draft' WHERE name = $1 AND number = $2`, [repo.name, number]);
    await db.pool.query(`DELETE FROM outcomes WHERE pull_request_id = (SELECT id FROM pull_requests WHERE name = $1 AND number = $2)`, [repo.name, number]);
  };
  const rows = async (issue: number): Promise<PrRow[]> => (await listPrRows(db.pool, { repo, issueNumber: issue })).sort((a, b) => Number(a.id) - Number(b.id));

  test('the same fix again is the same PR; a different fix opens a PR of its own branch, and a close that fails is owed, said and done at the next attempt', async () => {
    const first = await openPullRequest(deps, request(1, 'first'));
    assert.equal(first.status, 'opened');
    if (first.status !== 'opened') return;
    const w0 = writes();
    assert.equal((await openPullRequest(deps, request(1, 'first'))).status, 'unchanged', 'an identical fix is the same PR');
    assert.equal(writes(), w0, 'nothing written');

    // The repository's cap is 1 and our PR holds it: the replacement needs no second slot.
    const second = await openPullRequest(deps, request(1, 'second'));
    assert.equal(second.status, 'opened');
    if (second.status !== 'opened') return;
    assert.notEqual(second.pull.number, first.pull.number);
    assert.equal(second.pull.headRefName, supersedingBranch(branchName(1, 'Parser drops the value 1'), second.row.patch ?? ''));
    assert.match(second.detail ?? '', new RegExp(`^#${first.pull.number} \\(replaced by #${second.pull.number}\\) is still open: closing it failed \\(.*\\); it is tried again`));
    assert.equal(gh.injected.pullClosesFailed, 1);
    assert.deepEqual(openPulls(1).sort(), [first.pull.number, second.pull.number].sort(), 'both open for now');
    const [old, current] = await rows(1);
    assert.equal(old?.superseded_by, current?.id, 'the old row names the new one');
    assert.equal(old?.state, 'draft');
    assert.equal(old?.last_error?.stage, 'supersede', 'the failed close is recorded on the old row');
    assert.equal(old?.last_error?.retryable, true);
    assert.equal((await findPrRow(db.pool, 'github', repo, 1))?.number, second.pull.number, 'the new row is the current one');

    // The retry of the same activity: the same PR, and the owed close done with its comment.
    const retry = await openPullRequest(deps, request(1, 'second'));
    assert.equal(retry.status, 'unchanged');
    assert.equal(retry.status === 'unchanged' ? retry.detail : '', `opened #${second.pull.number} with a newer fix and closed #${first.pull.number} in its favour`);
    assert.deepEqual(openPulls(1), [second.pull.number], 'exactly one open PR: the new one');
    assert.equal(pulls(1).length, 2, 'no duplicate PR');
    const closed = pulls(1).find((p) => p.number === first.pull.number);
    assert.equal(closed?.comments.length, 1);
    assert.match(closed?.comments[0]?.body ?? '', new RegExp(`^Superseded by #${second.pull.number} \\(http[^)]+/pull/${second.pull.number}\\): a newer fix for issue #1\\.`));
    const [oldAfter] = await rows(1);
    assert.equal(oldAfter?.state, 'closed');
    assert.equal(oldAfter?.last_error, null);
    assert.deepEqual((await outcomesFor(db.pool, oldAfter?.id ?? '')).map((o) => [o.kind, o.detail['by'], o.detail['supersededBy']]), [['withdrawn', 'superseded', second.pull.number]]);

    // Once more: nothing left to do, nothing written.
    const w1 = writes();
    const again = await openPullRequest(deps, request(1, 'second'));
    assert.equal(again.status, 'unchanged');
    assert.equal(again.status === 'unchanged' ? again.detail : 'x', undefined);
    assert.equal(writes(), w1);
  });

  test('a replacement recorded by an attempt that died before its PR was opened is carried on by the next, on the same branch', async () => {
    const first = await openPullRequest(roomy, request(2, 'first'));
    assert.equal(first.status, 'opened');
    // The attempt dies after recording the replacement: a fork read that fails throws before any commit.
    const broken = Object.create(deps.forge) as typeof deps.forge;
    broken.ensureFork = () => Promise.reject(new Error('connection reset'));
    broken.findExisting = async (...args) => ({ ...(await deps.forge.findExisting(...args)), fork: null });
    await assert.rejects(openPullRequest({ ...roomy, forge: broken }, request(2, 'second')), /connection reset/);
    const [old, pending] = await rows(2);
    assert.equal(old?.superseded_by, pending?.id);
    assert.equal(pending?.number, null);
    assert.equal(pending?.state, 'pending');
    assert.equal((await findFollowedPrRow(db.pool, 'github', repo, 2))?.id, old?.id, 'the follow-up keeps looking at the open PR meanwhile');
    assert.equal(openPulls(2).length, 1);

    const retry = await openPullRequest(roomy, request(2, 'second'));
    assert.equal(retry.status, 'opened');
    if (retry.status !== 'opened' || first.status !== 'opened') return;
    assert.equal(retry.row.id, pending?.id, 'the recorded replacement is the one carried on');
    assert.equal(retry.pull.headRefName, pending?.branch);
    assert.deepEqual(openPulls(2), [retry.pull.number]);
    assert.equal((await rows(2)).length, 2);
    assert.equal((await findFollowedPrRow(db.pool, 'github', repo, 2))?.number, retry.pull.number, 'the follow-up now looks at the new PR');
  });

  test('a close still owed is done by the follow-up of the new PR', async () => {
    const first = await openPullRequest(roomy, request(3, 'first'));
    const second = await openPullRequest(roomy, request(3, 'second'));
    if (first.status !== 'opened' || second.status !== 'opened') throw new Error(`${first.status} ${second.status}`);
    await reopenAsOwed(first.pull.number);
    assert.equal(openPulls(3).length, 2);
    const seen = await followUp(db.pool, deps.forge, second.row, { ignoredAfterDays: 14 });
    assert.equal(seen.state, 'draft');
    assert.deepEqual(openPulls(3), [second.pull.number]);
    const [old] = await rows(3);
    assert.equal(old?.state, 'closed');
    assert.deepEqual((await outcomesFor(db.pool, old?.id ?? '')).map((o) => o.kind), ['withdrawn'], 'ours, not a maintainer\'s: the issue is not barred');
  });

  test('a retry after the new PR was opened but before the old one was closed closes it; a later replacement leaves no earlier PR open', async () => {
    const first = await openPullRequest(roomy, request(6, 'first'));
    const second = await openPullRequest(roomy, request(6, 'second'));
    if (first.status !== 'opened' || second.status !== 'opened') throw new Error(`${first.status} ${second.status}`);
    await reopenAsOwed(first.pull.number);
    const retry = await openPullRequest(roomy, request(6, 'second'));
    assert.equal(retry.status, 'unchanged');
    assert.deepEqual(openPulls(6), [second.pull.number], 'one open PR, no duplicate');
    assert.equal(pulls(6).length, 2);

    // Owed again, then a third fix: the owed close is done first (as the second PR's follow-up
    // would), then the second PR is replaced; each comment links the PR that replaced it.
    await reopenAsOwed(first.pull.number);
    const third = await openPullRequest(roomy, request(6, 'third'));
    if (third.status !== 'opened') throw new Error(third.status);
    assert.deepEqual(openPulls(6), [third.pull.number]);
    assert.equal(third.detail, `opened #${third.pull.number} with a newer fix and closed #${second.pull.number} in its favour`);
    const all = await rows(6);
    assert.deepEqual(all.map((r) => r.state), ['closed', 'closed', 'draft']);
    assert.deepEqual(all.map((r) => r.superseded_by), [all[1]?.id, all[2]?.id, null], 'each row names the one that replaced it');
    const lastComment = (n: number): string => pulls(6).find((p) => p.number === n)?.comments.at(-1)?.body ?? '';
    assert.match(lastComment(first.pull.number), new RegExp(`^Superseded by #${second.pull.number} `));
    assert.match(lastComment(second.pull.number), new RegExp(`^Superseded by #${third.pull.number} `));
  });

  test('an old PR a maintainer closed meanwhile is recorded as theirs and the issue is never opened again', async () => {
    const first = await openPullRequest(roomy, request(4, 'first'));
    if (first.status !== 'opened') throw new Error(first.status);
    await deps.forge.updatePullRequest(repo, first.pull.number, { state: 'closed' }); // the maintainer, before any follow-up check
    const w0 = writes();
    const second = await openPullRequest(roomy, request(4, 'second'));
    assert.equal(second.status, 'skipped');
    assert.equal(second.status === 'skipped' ? second.reason : '', 'maintainer_closed');
    assert.equal(writes(), w0, 'no new PR, no branch');
    assert.equal(pulls(4).length, 1);
    assert.deepEqual((await rows(4)).map((r) => [r.number, r.state, r.superseded_by]), [[first.pull.number, 'closed', null]]);
  });

  test('an issue closed meanwhile: our open PR is withdrawn for it, and no new PR is opened', async () => {
    const first = await openPullRequest(roomy, request(5, 'first'));
    if (first.status !== 'opened') throw new Error(first.status);
    const issue = gh.world.raw(repo.owner, repo.name)?.issues.find((i) => i.number === 5);
    assert.ok(issue);
    issue.state = 'closed';
    const second = await openPullRequest(roomy, request(5, 'second'));
    assert.equal(second.status, 'skipped');
    assert.equal(second.status === 'skipped' ? second.reason : '', 'issue_closed');
    assert.deepEqual(openPulls(5), []);
    assert.equal(pulls(5).length, 1);
    const [row] = await rows(5);
    assert.deepEqual((await outcomesFor(db.pool, row?.id ?? '')).map((o) => [o.kind, o.detail['by']]), [['withdrawn', 'superseded']]);
  });
});
