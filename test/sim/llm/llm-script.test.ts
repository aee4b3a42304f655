import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { UsageError } from '../../../src/errors.js';
import { ScriptBook } from '../../../src/sim/llm/script.js';
import { seededRandom } from '../../../src/util/seeded-random.js';
import { AnthropicPromptCache, OpenAiPromptCache } from '../../../src/sim/llm/prompt-cache.js';
import { applyStopSequences, malformedInput, truncateInput } from '../../../src/sim/llm/shape.js';
import { startLlmStandIn } from '../../../src/sim/llm/server.js';
import type { ScriptRequest, ScriptRule } from '../../../src/sim/llm/schema.js';

function request(text: string, fields: Partial<ScriptRequest> = {}): ScriptRequest {
  return {
    provider: 'anthropic', model: 'claude-sonnet-4-5', text, system: '', messages: [{ role: 'user', text }],
    tools: [], forcedTool: undefined, responseFormat: undefined, maxTokens: 100, stopSequences: [], body: {}, ...fields,
  };
}

const never = (): number => 0.99;

describe('ScriptBook', () => {
  test('invalid rules are rejected with a UsageError', () => {
    const book = new ScriptBook(never);
    const bad: unknown[] = [
      { id: '', respond: { text: 'x' } },
      { id: 'a', respond: { txt: 'x' } },
      { id: 'a', respond: { fault: 'meltdown' } },
      { id: 'a', times: 0, respond: { text: 'x' } },
      { id: 'a', match: { provider: 'bard' }, respond: { text: 'x' } },
      { id: 'a', match: { matches: '(' }, respond: { text: 'x' } },
      { id: 'a', respond: { fault: 'slow' } },
    ];
    for (const rule of bad) assert.throws(() => book.setRules([rule as ScriptRule]), UsageError, JSON.stringify(rule));
    assert.throws(() => book.setRules([{ id: 'a', respond: { text: '1' } }, { id: 'a', respond: { text: '2' } }]), /duplicate script rule id: a/);
    assert.throws(() => new ScriptBook(never, { faultRate: { rate: 2, kinds: ['timeout'] } }), UsageError);
  });

  test('the first live matching rule fires, and times exhausts it', async () => {
    const book = new ScriptBook(never);
    book.setRules([
      { id: 'openai-only', match: { provider: 'openai' }, respond: { text: 'o' } },
      { id: 'twice', match: { contains: 'issue' }, times: 2, respond: { text: 't' } },
      { id: 'regex', match: { contains: /issue #\d+/ }, respond: { text: 'r' } },
    ]);
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const r = await book.resolve(request('issue #4'));
      ids.push(r.kind === 'answer' ? r.ruleId : r.kind);
    }
    assert.deepEqual(ids, ['twice', 'twice', 'regex']);
    const none = await book.resolve(request('issue without number'));
    assert.equal(none.kind, 'unmatched');
    assert.match(none.kind === 'unmatched' ? none.message : '', /exhausted=\[twice\]/);
    assert.deepEqual(book.unusedRules(), ['openai-only']);
  });

  test('model, tool and matches narrow a rule', async () => {
    const book = new ScriptBook(never);
    book.setRules([
      { id: 'tool', match: { tool: 'rank', model: /haiku/ }, respond: { text: 'a' } },
      { id: 'pattern', match: { matches: '^start' }, respond: { text: 'b' } },
    ]);
    const tools = [{ name: 'rank', schema: {} }];
    assert.equal((await book.resolve(request('x', { tools }))).kind, 'unmatched');
    const hit = await book.resolve(request('x', { tools, model: 'claude-haiku-4-5' }));
    assert.equal(hit.kind === 'answer' && hit.ruleId, 'tool');
    const forced = await book.resolve(request('x', { forcedTool: 'rank', model: 'claude-haiku-4-5' }));
    assert.equal(forced.kind === 'answer' && forced.ruleId, 'tool');
    assert.equal((await book.resolve(request('not start'))).kind, 'unmatched');
    const p = await book.resolve(request('start here'));
    assert.equal(p.kind === 'answer' && p.ruleId, 'pattern');
  });

  test('a dynamic rule returning garbage or throwing is a script error, not a crash', async () => {
    const book = new ScriptBook(never);
    book.setRules([
      { id: 'garbage', match: { contains: 'g' }, respond: () => ({ nonsense: 1 }) as never },
      { id: 'throws', match: { contains: 't' }, respond: () => { throw new Error('kaput'); } },
    ]);
    const g = await book.resolve(request('g'));
    assert.equal(g.kind, 'script_error');
    const t = await book.resolve(request('t'));
    assert.match(t.kind === 'script_error' ? t.message : '', /script rule throws threw: kaput/);
  });

  test('the default answers what no rule matches', async () => {
    const book = new ScriptBook(never);
    book.setDefault({ text: 'fallback' });
    const r = await book.resolve(request('anything'));
    assert.ok(r.kind === 'answer');
    assert.equal(r.ruleId, 'default');
    assert.deepEqual(r.answer, { text: 'fallback' });
    assert.throws(() => book.setDefault({ bogus: true } as never), UsageError);
  });

  test('seeded fault injection repeats exactly and leaves transport-faulted rules unconsumed', async () => {
    const run = async (seed: number): Promise<string[]> => {
      const book = new ScriptBook(seededRandom(seed), { faultRate: { rate: 0.5, kinds: ['rate_limit', 'overloaded', 'truncated'] } });
      book.setRules([{ id: 'once', times: 1, respond: { text: 'the answer' } }, { id: 'rest', respond: { text: 'later' } }]);
      const out: string[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await book.resolve(request('x'));
        out.push(r.kind === 'answer' || r.kind === 'fault' ? r.ruleId : r.kind);
      }
      return out;
    };
    const a = await run(7);
    assert.deepEqual(await run(7), a);
    assert.notDeepEqual(await run(8), a);
    assert.ok(a.some((id) => id.startsWith('fault:')));
    assert.ok(a.some((id) => id === 'rest'));
    // 'once' fires exactly once (maybe distorted), whatever faults came before it.
    assert.equal(a.filter((id) => id === 'once' || id.startsWith('once+')).length, 1);
  });
});

describe('prompt caches', () => {
  test('Anthropic cache: write, read, expiry and minimum length', () => {
    let now = 0;
    const cache = new AnthropicPromptCache(100, () => now);
    const segs = [{ text: 'system', tokens: 150, breakpoint: '5m' as const }, { text: 'question', tokens: 10, breakpoint: null }];
    assert.deepEqual(cache.account(segs), { readTokens: 0, creationTokens: 150, uncachedTokens: 10 });
    assert.deepEqual(cache.account(segs), { readTokens: 150, creationTokens: 0, uncachedTokens: 10 });
    now += 6 * 60_000;
    assert.deepEqual(cache.account(segs), { readTokens: 0, creationTokens: 150, uncachedTokens: 10 });
    const small = [{ text: 'tiny', tokens: 50, breakpoint: '5m' as const }];
    cache.account(small);
    assert.deepEqual(cache.account(small), { readTokens: 0, creationTokens: 0, uncachedTokens: 50 });
    const extended = [segs[0]!, { text: 'more', tokens: 200, breakpoint: '1h' as const }, { text: 'q', tokens: 5, breakpoint: null }];
    assert.deepEqual(cache.account(extended), { readTokens: 150, creationTokens: 200, uncachedTokens: 5 });
  });

  test('OpenAI cache: longest shared prefix, from the minimum in steps of 128', () => {
    const cache = new OpenAiPromptCache(1024);
    const base = Array.from({ length: 1500 }, (_, i) => i);
    assert.equal(cache.account(base), 0);
    assert.equal(cache.account([...base.slice(0, 1300), 9, 9, 9]), 1280);
    assert.equal(cache.account(base.slice(0, 1000)), 0);
  });
});

describe('answer shaping', () => {
  test('truncateInput drops the later keys and cuts the last kept string', () => {
    assert.deepEqual(truncateInput({ a: 1, b: 'abcdef', c: 3 }), { a: 1, b: 'abc' });
    assert.deepEqual(truncateInput({ only: 'abcd' }), { only: 'ab' });
    assert.deepEqual(truncateInput({}), {});
  });

  test('malformedInput gives every property the wrong type', () => {
    const bad = malformedInput({ type: 'object', properties: { s: { type: 'string' }, n: { type: 'integer' }, e: { enum: ['a'] }, l: { type: 'array' } } });
    assert.equal(typeof bad['s'], 'number');
    assert.equal(typeof bad['n'], 'string');
    assert.notEqual(bad['e'], 'a');
    assert.ok(!Array.isArray(bad['l']));
    assert.deepEqual(malformedInput({ type: 'object' }), { unexpected_field: true });
  });

  test('applyStopSequences stops at the earliest sequence', () => {
    assert.deepEqual(applyStopSequences('a STOP b END c', ['END', 'STOP']), { text: 'a ', stop: 'STOP' });
    assert.deepEqual(applyStopSequences('nothing here', ['END', '']), { text: 'nothing here', stop: null });
  });
});

describe('LLM stand-in server with seeded faults', () => {
  test('the same seed gives the same statuses through the real SDK', async () => {
    const statuses = async (seed: number): Promise<number[]> => {
      const sim = await startLlmStandIn({ seed, faultRate: { rate: 0.4, kinds: ['overloaded', 'server_error'] }, default: { text: 'ok' } });
      try {
        const c = new Anthropic({ baseURL: sim.url, apiKey: 'k', maxRetries: 0 });
        for (let i = 0; i < 12; i++) {
          await c.messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: `q${i}` }] }).catch(() => undefined);
        }
        return sim.calls.map((call) => call.status);
      } finally {
        await sim.close();
      }
    };
    const first = await statuses(42);
    assert.deepEqual(await statuses(42), first);
    assert.ok(first.includes(200) && first.some((s) => s === 529 || s === 500));
  });

  test('unknown paths and methods answer 404/405', async () => {
    const sim = await startLlmStandIn();
    try {
      assert.equal((await fetch(`${sim.url}/v1/complete`, { method: 'POST', body: '{}' })).status, 404);
      assert.equal((await fetch(`${sim.url}/v1/messages`)).status, 405);
      const models = await fetch(`${sim.url}/v1/models`);
      assert.equal(models.status, 401);
    } finally {
      await sim.close();
    }
  });
});
