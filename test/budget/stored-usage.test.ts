import { after, before, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ActivityBudget } from '../../src/budget/activity-budget.js';
import { PostgresTokenBudget } from '../../src/budget/postgres-budget.js';
import type { StoredUsageLookup } from '../../src/budget/types.js';
import { budgetedToolCall } from '../../src/fix/generate/call.js';
import { OpenAiProvider, RESERVATION_METADATA_KEY } from '../../src/llm/openai.js';
import { storedUsageLookup } from '../../src/llm/registry.js';
import type { ToolCallRequest } from '../../src/llm/types.js';
import { loadConfig } from '../../src/config/load.js';
import { UsageError } from '../../src/errors.js';
import { logger } from '../../src/log.js';
import { startLlmStandIn, type LlmStandIn } from '../../src/sim/llm/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let db: TestDatabase;
let sim: LlmStandIn;
before(async () => {
  db = await createTestDatabase();
  sim = await startLlmStandIn({ default: { toolUse: { name: 'note', input: { ok: true } } } });
});
after(async () => {
  await sim.close();
  await db.drop();
});

let weekOffset = 0;
function freshWeek(): () => Date {
  const t = new Date(Date.UTC(2032, 0, 2, 12) + weekOffset++ * 7 * 86_400_000);
  return () => t;
}
const REQUEST: Omit<ToolCallRequest, 'signal'> = {
  system: 'You take notes.',
  messages: [{ role: 'user', content: 'note that the parser drops trailing commas' }],
  tool: { name: 'note', description: 'Write a note', inputSchema: { type: 'object', properties: { ok: { type: 'boolean' } } } },
  maxTokens: 300,
};
const openAi = (baseURL: string, storeCompletions = true): OpenAiProvider =>
  new OpenAiProvider({ baseURL, apiKey: 'test', model: 'gpt-4.1-mini', maxRetries: 0, storeCompletions });
const inAttempt = <T>(workflowId: string, n: number, fn: () => Promise<T>): Promise<T> =>
  new MockActivityEnvironment({ workflowExecution: { workflowId, runId: 'r' }, activityId: '3', attempt: n }).run<[], T, () => Promise<T>>(fn);
/** Every token the stand-in's own log says it served. */
const served = (): number => {
  const t = sim.usageTotals;
  return t.inputTokens + t.outputTokens + t.cacheReadInputTokens + t.cacheCreationInputTokens;
};
async function hold(id: string): Promise<{ state: string; charged: number | null; tokens: number }> {
  const r = await db.pool.query<{ state: string; charged_tokens: string | null; tokens: string }>('SELECT state, charged_tokens, tokens FROM budget_reservations WHERE id = $1', [id]);
  const row = r.rows[0];
  assert.ok(row, `no hold ${id}`);
  return { state: row.state, charged: row.charged_tokens === null ? null : Number(row.charged_tokens), tokens: Number(row.tokens) };
}

/** Attempt 1 of an activity: the call is answered (and paid), then the worker dies before recording it. */
async function answeredThenKilled(budget: ActivityBudget, provider: OpenAiProvider, workflowId: string): Promise<{ id: string; paid: number }> {
  return inAttempt(workflowId, 1, async () => {
    const before = served();
    const r = await budget.reserve({ tokens: 5_000, outputTokens: 300, scopes: {}, purpose: 'fix' });
    await provider.callTool({ ...REQUEST, reservationId: r.id });
    return { id: r.id, paid: served() - before };
  });
}

/** A stand-in for an endpoint whose list answer is `body` (status `status`). */
async function listServer(status: number, body: (reservation: string) => unknown): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const reservation = new URL(req.url ?? '/', 'http://x').searchParams.get(`metadata[${RESERVATION_METADATA_KEY}]`) ?? '';
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body(reservation)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('a hold whose answer was lost is charged what the provider stored for it', () => {
  test('a retry charges exactly the stand-in\'s logged usage for the dead attempt\'s call, so charged equals served', async () => {
    const provider = openAi(`${sim.url}/v1`);
    const inner = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 100_000 }, now: freshWeek(), lookup: provider });
    const budget = new ActivityBudget(inner, db.pool);
    const start = served();
    const lost = await answeredThenKilled(budget, provider, 'issue/o/r/1');
    assert.ok(lost.paid > 0);
    const body = sim.calls.at(-1)?.body as { store?: boolean; metadata?: Record<string, string> };
    assert.equal(body.store, true);
    assert.deepEqual(body.metadata, { [RESERVATION_METADATA_KEY]: lost.id });
    await inAttempt('issue/o/r/1', 2, () => budgetedToolCall({ llm: provider, budget, scopes: {} }, REQUEST, 'fix'));
    assert.deepEqual(await hold(lost.id), { state: 'settled', charged: lost.paid, tokens: 5_000 }, 'the stored usage, not the whole hold');
    const used = await db.pool.query<{ used_tokens: string; reserved_tokens: string }>(`SELECT used_tokens, reserved_tokens FROM budgets WHERE scope = 'week' AND period_start = $1`, [inner.periodStart()]);
    assert.equal(Number(used.rows[0]?.used_tokens), served() - start, 'no drift: charged equals what the stand-in served');
    assert.equal(Number(used.rows[0]?.reserved_tokens), 0);
  });

  test('a hold the provider stored nothing for stays held through the retry; after the TTL the sweep frees it', async () => {
    const provider = openAi(`${sim.url}/v1`);
    const inner = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 100_000 }, now: freshWeek(), lookup: provider });
    const budget = new ActivityBudget(inner, db.pool);
    const never = await inAttempt('issue/o/r/2', 1, () => budget.reserve({ tokens: 700, scopes: {}, purpose: 'fix' }));
    await inAttempt('issue/o/r/2', 2, () => budget.reserve({ tokens: 10, scopes: {}, purpose: 'fix' }));
    assert.equal((await hold(never.id)).state, 'held', 'the call may still be finishing: not settled to zero yet');
    await db.pool.query(`UPDATE budget_reservations SET created_at = now() - interval '2 hours' WHERE id = $1`, [never.id]);
    await inner.expireStale(60);
    assert.deepEqual(await hold(never.id), { state: 'expired', charged: null, tokens: 700 });
  });

  test('the sweep charges a stale unrecorded hold its stored usage instead of freeing it', async () => {
    const provider = openAi(`${sim.url}/v1`);
    const inner = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 100_000 }, now: freshWeek(), lookup: provider });
    const r = await inner.reserve({ tokens: 4_000, scopes: {}, purpose: 'triage' });
    const before = served();
    await provider.callTool({ ...REQUEST, reservationId: r.id });
    await db.pool.query(`UPDATE budget_reservations SET created_at = now() - interval '2 hours' WHERE id = $1`, [r.id]);
    await inner.expireStale(60);
    assert.deepEqual(await hold(r.id), { state: 'settled', charged: served() - before, tokens: 4_000 });
  });

  test('without a lookup (Anthropic, a local server) the retry charges the whole hold', async () => {
    const provider = openAi(`${sim.url}/v1`, false);
    const inner = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 100_000 }, now: freshWeek() });
    const budget = new ActivityBudget(inner, db.pool);
    const lost = await answeredThenKilled(budget, provider, 'issue/o/r/3');
    const body = sim.calls.at(-1)?.body as Record<string, unknown>;
    assert.equal('store' in body || 'metadata' in body, false, 'nothing stored where the endpoint is not said to keep completions');
    await inAttempt('issue/o/r/3', 2, () => budget.reserve({ tokens: 10, scopes: {}, purpose: 'fix' }));
    assert.deepEqual(await hold(lost.id), { state: 'settled', charged: 5_000, tokens: 5_000 });
  });

  const bad: Array<[string, number, (reservation: string) => unknown, RegExp]> = [
    ['an item without usage', 200, (id) => ({ object: 'list', data: [{ id: 'chatcmpl-1', metadata: { [RESERVATION_METADATA_KEY]: id } }], has_more: false }), /usage/],
    ['negative token counts', 200, (id) => ({ object: 'list', data: [{ id: 'chatcmpl-1', metadata: { [RESERVATION_METADATA_KEY]: id }, usage: { prompt_tokens: -5, completion_tokens: 3 } }], has_more: false }), /prompt_tokens/],
    ['an item of another hold', 200, () => ({ object: 'list', data: [{ id: 'chatcmpl-1', metadata: { [RESERVATION_METADATA_KEY]: 'someone-else' }, usage: { prompt_tokens: 5, completion_tokens: 3 } }], has_more: false }), /does not carry hold/],
    ['a server error', 500, () => ({ error: { message: 'boom', type: 'server_error' } }), /./],
    ['a 404 (no stored completions on this endpoint)', 404, () => ({ error: { message: 'Not found', type: 'invalid_request_error' } }), /./],
  ];
  for (const [n, [what, status, body, reason]] of bad.entries()) {
    test(`a lookup answered with ${what} charges the whole hold, with a warning`, async () => {
      const server = await listServer(status, body);
      const warn = mock.method(logger, 'warn');
      try {
        const inner = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 100_000 }, now: freshWeek(), lookup: openAi(server.url) });
        const budget = new ActivityBudget(inner, db.pool);
        const wf = `issue/o/bad/${n + 1}`;
        const lost = await answeredThenKilled(budget, openAi(`${sim.url}/v1`), wf);
        await inAttempt(wf, 2, () => budget.reserve({ tokens: 10, scopes: {}, purpose: 'fix' }));
        assert.deepEqual(await hold(lost.id), { state: 'settled', charged: 5_000, tokens: 5_000 });
        const warned = warn.mock.calls.find((c) => c.arguments[1] === 'could not look up the usage the provider stored for a hold');
        assert.ok(warned, 'a warning names the failed lookup');
        const fields = warned.arguments[0] as { reservation: string; err: string };
        assert.equal(fields.reservation, lost.id);
        assert.match(fields.err, reason);
      } finally {
        warn.mock.restore();
        await server.close();
      }
    });
  }

  test('a lookup whose usage does not validate is refused by the budget too (whole hold)', async () => {
    const lookup: StoredUsageLookup = { storedUsage: () => Promise.resolve({ usage: { inputTokens: 1.5, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }, calls: 1 }) };
    const inner = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 100_000 }, now: freshWeek(), lookup });
    const budget = new ActivityBudget(inner, db.pool);
    const h = await inAttempt('issue/o/r/4', 1, () => budget.reserve({ tokens: 900, scopes: {}, purpose: 'fix' }));
    await inAttempt('issue/o/r/4', 2, () => budget.reserve({ tokens: 10, scopes: {}, purpose: 'fix' }));
    assert.deepEqual(await hold(h.id), { state: 'settled', charged: 900, tokens: 900 });
  });
});

describe('GLOBALLM_OPENAI_STORE_COMPLETIONS: which endpoints are asked', () => {
  test('auto: api.openai.com (or no base URL) stores completions, another endpoint does not; true/false override; Anthropic never', () => {
    assert.ok(storedUsageLookup({ OPENAI_API_KEY: 'k' }) instanceof OpenAiProvider);
    assert.ok(storedUsageLookup({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'https://api.openai.com/v1' }) instanceof OpenAiProvider);
    assert.equal(storedUsageLookup({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }), undefined);
    assert.equal(storedUsageLookup({ OPENAI_BASE_URL: 'https://api.openai.com.example.org/v1' }), undefined);
    assert.ok(storedUsageLookup({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', GLOBALLM_OPENAI_STORE_COMPLETIONS: 'true' }) instanceof OpenAiProvider);
    assert.equal(storedUsageLookup({ OPENAI_API_KEY: 'k', GLOBALLM_OPENAI_STORE_COMPLETIONS: 'false' }), undefined);
    assert.equal(storedUsageLookup({ ANTHROPIC_API_KEY: 'k', OPENAI_API_KEY: 'k' }), undefined);
    assert.equal(storedUsageLookup({}), undefined);
  });

  test('the setting is validated: only auto, true or false', () => {
    assert.equal(loadConfig({}).GLOBALLM_OPENAI_STORE_COMPLETIONS, 'auto');
    assert.equal(loadConfig({ GLOBALLM_OPENAI_STORE_COMPLETIONS: 'false' }).GLOBALLM_OPENAI_STORE_COMPLETIONS, 'false');
    assert.equal(loadConfig({ GLOBALLM_OPENAI_STORE_COMPLETIONS: '' }).GLOBALLM_OPENAI_STORE_COMPLETIONS, 'auto', 'empty is unset, as for every variable');
    for (const bad of ['yes', '1', 'TRUE']) {
      assert.throws(() => loadConfig({ GLOBALLM_OPENAI_STORE_COMPLETIONS: bad }), (e: unknown) => e instanceof UsageError && e.message.includes('GLOBALLM_OPENAI_STORE_COMPLETIONS'), bad);
    }
  });
});
