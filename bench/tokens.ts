// `npm run bench -- tokens`: tokens per analyzed issue on the campaign's own path — the registered
// `campaignAnalyze` activity (issues read from PostgreSQL in batches, the analyzer the campaign
// selects, every call reserved and settled in the PostgreSQL budget) — through the real SDK clients
// against the LLM stand-in (usage counted with a real tokenizer, prompt caching where it applies).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MockActivityEnvironment } from '@temporalio/testing';
import pg from 'pg';
import { createAnalysisActivities } from '../src/activities/analysis.js';
import type { CampaignOptionsData, CampaignRepo } from '../src/workflows/contracts.js';
import { IssueInput } from '../src/analysis/schema.js';
import { selectAnalyzer } from '../src/analysis/select.js';
import { ActivityBudget } from '../src/budget/activity-budget.js';
import { PostgresTokenBudget } from '../src/budget/postgres-budget.js';
import { migrateUp } from '../src/db/migrate.js';
import { AnthropicProvider } from '../src/llm/anthropic.js';
import { OpenAiProvider } from '../src/llm/openai.js';
import type { LlmProvider } from '../src/llm/types.js';
import { startLlmStandIn } from '../src/sim/llm/server.js';
import { triageRule } from './tokens/answer.js';
import { freePort } from '../src/util/ports.js';
import { startEmbeddedPostgres } from '../src/stack/postgres.js';

/** A current model the stand-in lists (token counts do not depend on it). */
const MODEL = 'claude-haiku-4-5';

/** The bench issues as a campaign finds them: one repository row each, its open issues taken in. */
async function seed(pool: pg.Pool, issues: IssueInput[]): Promise<CampaignRepo[]> {
  await pool.query('TRUNCATE repositories, issues, budget_reservations, budgets, campaigns CASCADE');
  const repos = [...new Set(issues.map((i) => i.repo ?? 'bench/unknown'))];
  for (const [k, repo] of repos.entries()) {
    const [owner, name] = repo.split('/') as [string, string];
    await pool.query(`INSERT INTO repositories (id, forge, owner, name, status, health, impact) VALUES ($1, 'github', $2, $3, 'approved', 0.7, 0.5)`, [k + 1, owner, name]);
  }
  for (const [n, issue] of issues.entries()) {
    await pool.query(
      `INSERT INTO issues (repository_id, number, title, body, labels, created_at, updated_at, state) VALUES ($1, $2, $3, $4, $5, now(), now(), 'open')`,
      [repos.indexOf(issue.repo ?? 'bench/unknown') + 1, issue.number ?? n + 1, issue.title, issue.body, issue.labels ?? []],
    );
  }
  return repos.map((r) => ({ forge: 'github', owner: r.split('/')[0] ?? '', repo: r.split('/')[1] ?? '', language: null }));
}

const CAMPAIGN: CampaignOptionsData = { id: 'bench-tokens', forge: 'github', domain: 'overall', minStars: 0, maxRepos: 100, maxIssues: 100, tokenBudget: 50_000_000, analyzer: 'llm', dryRun: true };

async function measure(pool: pg.Pool, issues: IssueInput[], make: (url: string) => LlmProvider): Promise<Record<string, string>> {
  const sim = await startLlmStandIn({ script: [triageRule()] });
  try {
    const repos = await seed(pool, issues);
    await pool.query('INSERT INTO campaigns (id, token_budget) VALUES ($1, $2)', [CAMPAIGN.id, CAMPAIGN.tokenBudget]);
    const shared = new PostgresTokenBudget(pool, { config: { weeklyTokens: 50_000_000, repoTokens: 50_000_000 } });
    const llm = make(sim.url);
    const acts = createAnalysisActivities({ pool, budget: shared, analyzerFor: (kind) => selectAnalyzer(kind, { llm, budget: new ActivityBudget(shared, pool) }) });
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: `campaign/${CAMPAIGN.id}`, runId: 'bench' }, activityId: '1', attempt: 1 });
    const analyze = (): ReturnType<typeof acts.campaignAnalyze> => acts.campaignAnalyze({ repos, campaign: CAMPAIGN });
    const result = await env.run<[], Awaited<ReturnType<typeof acts.campaignAnalyze>>, typeof analyze>(analyze);
    const t = sim.usageTotals;
    const total = t.inputTokens + t.outputTokens + t.cacheReadInputTokens + t.cacheCreationInputTokens;
    const charged = await pool.query<{ n: string }>(`SELECT COALESCE(sum(charged_tokens), 0) AS n FROM budget_reservations WHERE campaign = $1 AND state = 'settled'`, [CAMPAIGN.id]);
    if (total !== Number(charged.rows[0]?.n)) throw new Error(`the budget charged ${charged.rows[0]?.n ?? 0} but the API reported ${total}`);
    const n = issues.length;
    return {
      tokens_per_issue: (total / n).toFixed(1),
      input_per_issue: ((t.inputTokens + t.cacheReadInputTokens + t.cacheCreationInputTokens) / n).toFixed(1),
      output_per_issue: (t.outputTokens / n).toFixed(1),
      calls: String(t.requests),
      mean_batch: (n / Math.max(1, t.requests)).toFixed(1),
      analyzed: String(result.analyzed),
      failed: String(result.failed),
    };
  } finally {
    await sim.close();
  }
}

export default async function (): Promise<void> {
  const file = fileURLToPath(new URL('./data/issues.jsonl', import.meta.url));
  const issues = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => IssueInput.parse(JSON.parse(l)));
  const dir = mkdtempSync(path.join(tmpdir(), 'globallm-bench-tokens-'));
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: await freePort(), database: 'globallm_bench', ephemeral: true });
  const pool = new pg.Pool({ connectionString: server.url, max: 4 });
  pool.on('error', () => undefined);
  try {
    await migrateUp(server.url);
    const anthropic = await measure(pool, issues, (url) => new AnthropicProvider({ apiKey: 'bench', baseURL: url, model: MODEL }));
    const openai = await measure(pool, issues, (url) => new OpenAiProvider({ apiKey: 'bench', baseURL: `${url}/v1` }));
    process.stdout.write(`issues=${issues.length}\n`);
    for (const [k, v] of Object.entries(anthropic)) process.stdout.write(`${k}=${v}\n`);
    for (const [k, v] of Object.entries(openai)) process.stdout.write(`openai_${k}=${v}\n`);
  } finally {
    await pool.end();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
