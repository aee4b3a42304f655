import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startLlmStandIn, type LlmStandIn } from '../../../src/sim/llm/server.js';

const MODEL = 'gpt-4.1-mini';
const client = (url: string): OpenAI => new OpenAI({ baseURL: `${url}/v1`, apiKey: 'test', maxRetries: 0 });
const ask = (text: string, extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}): OpenAI.ChatCompletionCreateParamsNonStreaming =>
  ({ model: MODEL, max_completion_tokens: 64, messages: [{ role: 'user', content: text }], ...extra });

async function get(url: string, query: string, key = 'test'): Promise<{ status: number; body: { error?: { message: string; param: string | null } } & Record<string, unknown> }> {
  const res = await fetch(`${url}/v1/chat/completions${query}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: await res.json() as { error?: { message: string; param: string | null } } };
}

describe('LLM stand-in: stored chat completions (store, metadata, GET /v1/chat/completions)', () => {
  let sim: LlmStandIn;
  before(async () => { sim = await startLlmStandIn({ default: { text: 'noted' }, apiKey: 'test' }); });
  after(async () => { await sim.close(); });
  beforeEach(() => sim.setScript([]));

  test('a completion sent with store: true is listed by its metadata with the usage it was charged; one without store is not', async () => {
    const c = client(sim.url);
    const stored = await c.chat.completions.create(ask('first', { store: true, metadata: { hold: 'h-1', team: 'a' } }));
    await c.chat.completions.create(ask('second', { metadata: { hold: 'h-1' } }));
    await c.chat.completions.create(ask('third', { store: true, metadata: { hold: 'h-2' } }));
    const found = [];
    for await (const item of c.chat.completions.list({ metadata: { hold: 'h-1' } })) found.push(item);
    assert.equal(found.length, 1);
    assert.equal(found[0]?.id, stored.id);
    assert.deepEqual(found[0]?.usage, stored.usage);
    assert.deepEqual((found[0] as unknown as { metadata: unknown }).metadata, { hold: 'h-1', team: 'a' });
    const logged = sim.calls.find((call) => (call.body as { messages: Array<{ content: string }> }).messages[0]?.content === 'first')?.usage;
    assert.equal((stored.usage?.prompt_tokens ?? 0) + (stored.usage?.completion_tokens ?? 0), (logged?.inputTokens ?? 0) + (logged?.cacheReadInputTokens ?? 0) + (logged?.outputTokens ?? 0),
      'the listed usage is the usage the stand-in logged');
    const both = [];
    for await (const item of c.chat.completions.list({ metadata: { hold: 'h-1', team: 'b' } })) both.push(item);
    assert.equal(both.length, 0, 'every metadata filter must match');
    assert.equal(sim.calls.filter((call) => call.path === '/v1/chat/completions').length, 3, 'listing is not a logged (paid) call');
  });

  test('the SDK pages through many with after/limit/has_more, in either order', async () => {
    const c = client(sim.url);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await c.chat.completions.create(ask(`page ${i}`, { store: true, metadata: { batch: 'pages' } }))).id);
    const seen = [];
    for await (const item of c.chat.completions.list({ metadata: { batch: 'pages' }, limit: 2 })) seen.push(item.id);
    assert.deepEqual(seen, ids);
    const first = await c.chat.completions.list({ metadata: { batch: 'pages' }, limit: 2, order: 'desc' });
    assert.deepEqual(first.data.map((x) => x.id), [ids[4], ids[3]]);
    assert.equal(first.has_more, true);
    assert.equal((await c.chat.completions.list({ metadata: { batch: 'pages' }, model: 'gpt-other' })).data.length, 0);
  });

  test('bad input: metadata past the API\'s limits, bad list parameters, a wrong key', async () => {
    const c = client(sim.url);
    await assert.rejects(c.chat.completions.create(ask('x', { store: true, metadata: { ['k'.repeat(65)]: 'v' } })), (e: unknown) => e instanceof OpenAI.BadRequestError && /metadata/.test(e.message));
    await assert.rejects(c.chat.completions.create(ask('x', { metadata: { k: 'v'.repeat(513) } })), OpenAI.BadRequestError);
    const seventeen = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']));
    await assert.rejects(c.chat.completions.create(ask('x', { metadata: seventeen })), (e: unknown) => e instanceof OpenAI.BadRequestError && /16/.test(e.message));
    const cases: Array<[string, number, string]> = [
      ['?limit=0', 400, 'limit'],
      ['?limit=101', 400, 'limit'],
      ['?limit=ten', 400, 'limit'],
      ['?order=sideways', 400, 'order'],
      ['?colour=red', 400, 'colour'],
      ['?limit=1&limit=2', 400, 'limit'],
      [`?metadata[${'k'.repeat(65)}]=v`, 400, 'metadata'],
      ['?after=chatcmpl-nope', 404, 'after'],
    ];
    for (const [query, status, param] of cases) {
      const res = await get(sim.url, query);
      assert.equal(res.status, status, query);
      assert.equal(res.body.error?.param, param, query);
    }
    assert.equal((await get(sim.url, '', 'wrong')).status, 401);
    const ok = await get(sim.url, '?limit=1');
    assert.equal(ok.status, 200);
    assert.equal(ok.body['object'], 'list');
  });
});
