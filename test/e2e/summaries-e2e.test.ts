import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { WorkflowHandle } from '@temporalio/client';
import { startCampaign } from '../../src/campaign/start.js';
import { issueSummary, plainLine } from '../../src/workflows/summaries.js';
import { startExampleWorld, type ExampleWorld } from '../helpers/example-world.js';
import { exampleScript } from '../../src/examples/demo-script.js';
import { localActivityMarker } from '../helpers/reset.js';

let world: ExampleWorld;
before(async () => { world = await startExampleWorld(exampleScript()); });
after(() => world.close());

type Payload = temporal.api.common.v1.IPayload;
const text = (p: Payload | null | undefined): string | undefined => (p ? defaultPayloadConverter.fromPayload<string>(p) : undefined);

/** The summaries of the activities a run scheduled, as its history (and so the Web UI) holds them. */
/** Activities and local activities (whose marker names them), in history order, with their summaries. */
async function activitySummaries(handle: WorkflowHandle): Promise<Array<{ type: string; summary: string | undefined }>> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const scheduled = e.activityTaskScheduledEventAttributes?.activityType?.name;
    const type = scheduled ?? localActivityMarker(e)?.type;
    return type ? [{ type, summary: text(e.userMetadata?.summary) }] : [];
  });
}

/** What the Web UI shows as a run's current details (the SDK's built-in metadata query). */
async function currentDetails(handle: WorkflowHandle): Promise<string> {
  const meta = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return meta.currentDetails ?? '';
}

test('campaign, repository and issue runs carry summaries and details the Web UI shows; so do their activities', async () => {
  const { client, workers, db } = world;
  const id = `summaries-${Date.now()}`;
  const started = await startCampaign(client, { id, forge: 'local', minStars: 0, maxRepos: 10, maxIssues: 1, analyzer: 'offline', dryRun: true }, { taskQueuePrefix: workers.prefix });
  const campaign = client.workflow.getHandle(started.workflowId);
  await campaign.result();

  const described = await campaign.describe();
  assert.equal(await described.staticSummary(), `campaign ${id} — overall on the local forge: up to 10 repositories, 1 issue (dry run)`);
  const details = await described.staticDetails() ?? '';
  assert.match(details, /\*\*Caps\*\* 10 repositories, 1 issue, 1000000 tokens/);
  assert.match(await currentDetails(campaign), /\*\*Phase\*\* done[\s\S]*1 enqueued → 1 decided/);
  const campaignActivities = await activitySummaries(campaign);
  assert.deepEqual(campaignActivities.map((a) => a.type), ['campaignDiscover', 'campaignIntake', 'campaignAnalyze', 'campaignRerank', 'campaignSelect', 'enqueueWave']);
  assert.match(campaignActivities[0]?.summary ?? '', /^discover overall repositories \(at least 0 stars, up to 10\)$/);
  assert.match(campaignActivities[5]?.summary ?? '', /^send local\/\w+#\d+ to its repository$/);

  const run = (await db.pool.query<{ workflow_id: string; owner: string; name: string; issue_number: number; title: string }>(
    `SELECT u.workflow_id, u.owner, u.name, u.issue_number, i.title FROM issue_runs u
       JOIN repositories r ON r.owner = u.owner AND r.name = u.name JOIN issues i ON i.repository_id = r.id AND i.number = u.issue_number
      WHERE u.campaign = $1`, [id])).rows[0];
  assert.ok(run, 'the selected issue reached its decision');
  const key = `${run.owner}/${run.name}#${run.issue_number}`;
  const issue = client.workflow.getHandle(run.workflow_id);
  const issueDescribed = await issue.describe();
  assert.equal(await issueDescribed.staticSummary(), `${key} — ${run.title}`, 'e.g. "local/slugkit#1 — slugify leaves repeated dashes"');
  assert.match(await issueDescribed.staticDetails() ?? '', new RegExp(`\\*\\*Campaign\\*\\* ${id}[\\s\\S]*dry run`));
  assert.match(await currentDetails(issue), /\*\*Stage\*\* done[\s\S]*\*\*Decision\*\* \w+/);
  const issueActivities = await activitySummaries(issue);
  assert.ok(issueActivities.length >= 3, JSON.stringify(issueActivities));
  for (const a of issueActivities) assert.ok(a.summary?.endsWith(key), `every activity names its issue: ${JSON.stringify(a)}`);
  // The campaign analyzed the issue already: the issue reads that analysis instead of analyzing again.
  const analysis = issueActivities.find((a) => a.type === 'analyzeIssue' || a.type === 'analysisOnRecord');
  assert.equal(analysis?.summary, analysis?.type === 'analyzeIssue' ? `analyze ${key}` : `read the campaign's analysis of ${key}`);
  assert.deepEqual(issueActivities.at(-1), { type: 'recordIssueRun', summary: `record the decision on ${key}` });

  const repo = client.workflow.getHandle(`repo/${run.owner}/${run.name}`);
  assert.equal(await (await repo.describe()).staticSummary(), `repository ${run.owner}/${run.name}`);
  assert.match(await (await repo.describe()).staticDetails() ?? '', /on the local forge, JavaScript/);
  assert.match(await currentDetails(repo), /\*\*Running\*\* (none|#\d+)\n\n\*\*Queued\*\* 0 issues/);
});

describe('summary text from untrusted titles', () => {
  test('line breaks and control characters become one line; markdown that could link or mark up is escaped', () => {
    assert.equal(plainLine('fix\r\n  the\tparser\u0000now'), 'fix the parser now');
    assert.equal(plainLine('[click](https://evil.example) <img src=x> **bold** `code`'), '\\[click\\](https://evil.example) \\<img src=x\\> \\*\\*bold\\*\\* \\`code\\`');
    assert.equal(plainLine(''), '');
  });

  test('a long title is cut to one line with an ellipsis, the key kept whole', () => {
    const s = issueSummary({ owner: 'acme', repo: 'widget', number: 12345, title: 'x'.repeat(500) });
    assert.ok(s.startsWith('acme/widget#12345 — x'));
    assert.ok(s.length <= 120, `${s.length}`);
    assert.ok(s.endsWith('…'));
    assert.equal(issueSummary({ owner: 'acme', repo: 'widget', number: 1 }), 'acme/widget#1', 'no title: the key alone');
    assert.equal(issueSummary({ owner: 'acme', repo: 'widget', number: 1, title: ' \n\t ' }), 'acme/widget#1', 'a blank title: the key alone');
  });
});
