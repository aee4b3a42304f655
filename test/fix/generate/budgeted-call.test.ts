import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryTokenBudget } from '../../../src/budget/memory-budget.js';
import { budgetedToolCall } from '../../../src/fix/generate/call.js';
import { OpenAiProvider } from '../../../src/llm/openai.js';
import { startLlmStandIn, type LlmStandIn } from '../../../src/sim/llm/server.js';

const tool = { name: 'rank', description: 'Rank one issue', inputSchema: { type: 'object', properties: { score: { type: 'integer' } }, required: ['score'] } };
const request = { system: 'You rank issues.', messages: [{ role: 'user' as const, content: 'Issue: crash on start' }], tool, maxTokens: 200 };

let sim: LlmStandIn;
before(async () => { sim = await startLlmStandIn({}); });
after(() => sim.close());

test('a model call cancelled in flight is charged its whole hold; one that fails before an answer is released', async () => {
  const llm = new OpenAiProvider({ apiKey: 'test', baseURL: `${sim.url}/v1`, model: 'gpt-4o-mini', maxRetries: 0 });
  sim.setScript([{ id: 'slow', match: { tool: 'rank' }, respond: { fault: 'slow', delayMs: 2_000, then: { toolUse: { name: 'rank', input: { score: 1 } } } } }]);
  const budget = new MemoryTokenBudget(1_000_000);
  const cancel = new AbortController();
  const call = budgetedToolCall({ llm, budget, scopes: {}, signal: cancel.signal }, request, 'rank');
  setTimeout(() => cancel.abort(), 200);
  await assert.rejects(call);
  const hold = llm.estimateInputTokens(request) + request.maxTokens;
  assert.deepEqual(budget.totals(), { cap: 1_000_000, charged: hold, held: 0, settled: 1, released: 0 });

  sim.setScript([{ id: 'down', match: { tool: 'rank' }, respond: { fault: 'server_error' } }]);
  await assert.rejects(budgetedToolCall({ llm, budget, scopes: {} }, request, 'rank'));
  assert.deepEqual(budget.totals(), { cap: 1_000_000, charged: hold, held: 0, settled: 1, released: 1 });
});
