import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAnalysisActivities, failureNote } from '../../src/activities/analysis.js';
import type { CampaignActivities, CampaignOptionsData, CampaignRepo } from '../../src/workflows/contracts.js';
import { LlmIssueAnalyzer } from '../../src/analysis/llm/analyzer.js';
import { MemoryTokenBudget } from '../../src/budget/memory-budget.js';
import { createLlmProvider } from '../../src/llm/registry.js';
import { startLlmStandIn, type LlmStandIn } from '../../src/sim/llm/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { insertIssue, insertRepository } from '../helpers/fixtures.js';

let db: TestDatabase;
let llm: LlmStandIn;
before(async () => {
  [db, llm] = await Promise.all([createTestDatabase(), startLlmStandIn()]); // no script: every request fails with a 500
});
after(async () => {
  await Promise.all([db.drop(), llm.close()]);
});

test('a model outage during a campaign\'s analysis is retried, never recorded as a final failure of the issues', async () => {
  const repo = await insertRepository(db.pool, { owner: 'local', name: 'lib' });
  await insertIssue(db.pool, repo, { number: 1, title: 'Crash on empty input', body: 'parse("") raises' });
  await insertIssue(db.pool, repo, { number: 2, title: 'Add a --verbose flag' });
  const provider = createLlmProvider({ OPENAI_BASE_URL: `${llm.url}/v1`, OPENAI_API_KEY: 'k' }, { maxRetries: 0 });
  assert.ok(provider);
  const analyzer = new LlmIssueAnalyzer({ provider, budget: new MemoryTokenBudget(1_000_000), batchSize: 1 });
  const acts = createAnalysisActivities({ pool: db.pool, budget: { admitIssue: () => Promise.resolve({ count: 1, alreadyAdmitted: false }) }, analyzerFor: () => ({ analyzer }) });
  const campaign: CampaignOptionsData = { id: 'c', forge: 'local', domain: 'overall', minStars: 0, maxRepos: 1, maxIssues: 2, tokenBudget: 1000, analyzer: 'llm', dryRun: true };
  const repos: CampaignRepo[] = [{ forge: 'local', owner: 'local', repo: 'lib', language: 'Python' }];
  type Analyze = CampaignActivities['campaignAnalyze'];
  await assert.rejects(
    new MockActivityEnvironment().run<Parameters<Analyze>, Awaited<ReturnType<Analyze>>, Analyze>((input) => acts.campaignAnalyze(input), { repos, campaign }),
    /will be retried/,
  );
  const states = await db.pool.query<{ state: string }>('SELECT state FROM issues ORDER BY number');
  assert.ok(states.rows.every((r) => r.state !== 'failed'), JSON.stringify(states.rows));
});

test('no failures, no note; a long reason is cut', () => {
  assert.equal(failureNote(0, 5, 'offline', undefined), undefined);
  assert.ok((failureNote(1, 0, 'llm', 'x'.repeat(1000)) ?? '').length < 400);
});
