import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimited, Unavailable, UsageError } from '../../src/errors.js';
import { AnthropicProvider } from '../../src/llm/anthropic.js';
import { anthropicCacheMinimum } from '../../src/llm/cache-minimum.js';
import { estimatePrefixTokens } from '../../src/llm/estimate.js';
import { retryAfterMs } from '../../src/llm/errors.js';
import { OpenAiProvider, PLACEHOLDER_API_KEY } from '../../src/llm/openai.js';
import { createLlmProvider } from '../../src/llm/registry.js';
import { ModelRefusal, type LlmProvider, type ToolCallRequest } from '../../src/llm/types.js';
import { startLlmStandIn, type LlmStandIn } from '../../src/sim/llm/server.js';
import { MODEL } from '../helpers/llm-triage.js';

const tool = {
  name: 'rank',
  description: 'Rank one issue',
  inputSchema: { type: 'object', properties: { score: { type: 'integer' }, why: { type: 'string' } }, required: ['score', 'why'] },
};

function request(extra: Partial<ToolCallRequest> = {}): ToolCallRequest {
  return { system: 'You rank issues.', messages: [{ role: 'user', content: 'Issue: crash on start' }], tool, maxTokens: 200, ...extra };
}

const makers: Array<[string, (url: string, maxRetries?: number) => LlmProvider]> = [
  ['anthropic', (url, maxRetries = 0) => new AnthropicProvider({ apiKey: 'test', baseURL: url, model: MODEL, maxRetries })],
  ['openai', (url, maxRetries = 0) => new OpenAiProvider({ apiKey: 'test', baseURL: `${url}/v1`, model: 'gpt-4o-mini', maxRetries })],
];

describe('LLM providers through the real SDKs', () => {
  let sim: LlmStandIn;
  before(async () => { sim = await startLlmStandIn({ retryAfterS: 7 }); });
  after(async () => { await sim.close(); });
  beforeEach(() => sim.setScript([]));

  for (const [name, make] of makers) {
    test(`${name}: forced tool call returns the parsed input and the API's usage`, async () => {
      sim.setScript([{ id: 'rank', match: { tool: 'rank' }, respond: { toolUse: { name: 'rank', input: { score: 4, why: 'null deref' } } } }]);
      const provider = make(sim.url);
      const result = await provider.callTool(request());
      assert.deepEqual(result.input, { score: 4, why: 'null deref' });
      assert.equal(result.stopReason, 'tool_use');
      assert.equal(result.provider, name);
      const call = sim.calls.at(-1);
      assert.ok(call?.usage);
      assert.equal(result.usage.inputTokens, call.usage.inputTokens);
      assert.equal(result.usage.outputTokens, call.usage.outputTokens);
      assert.equal(result.usage.cacheReadTokens, call.usage.cacheReadInputTokens);
      assert.ok(result.usage.inputTokens > 0 && result.usage.outputTokens > 0);
      // The local estimate is an upper-bound-ish figure near the charged input.
      const estimate = provider.estimateInputTokens(request());
      assert.ok(estimate >= result.usage.inputTokens * 0.8 && estimate <= result.usage.inputTokens * 2.5, `estimate ${estimate} vs ${result.usage.inputTokens}`);
    });

    test(`${name}: the tool is forced and the request carries it`, async () => {
      sim.setScript([{ id: 'rank', respond: { toolUse: { name: 'rank', input: { score: 1, why: 'x' } } } }]);
      await make(sim.url).callTool(request());
      const body = sim.calls.at(-1)?.body as Record<string, unknown>;
      if (name === 'anthropic') {
        assert.deepEqual(body['tool_choice'], { type: 'tool', name: 'rank' });
        assert.deepEqual(body['system'], [{ type: 'text', text: 'You rank issues.' }], 'a prefix this short is not marked for caching');
      } else {
        assert.deepEqual(body['tool_choice'], { type: 'function', function: { name: 'rank' } });
        assert.deepEqual((body['messages'] as unknown[])[0], { role: 'system', content: 'You rank issues.' });
      }
    });

    test(`${name}: 429 becomes RateLimited with the retry-after when retries are off`, async () => {
      sim.setScript([{ id: 'limit', respond: { fault: 'rate_limit', retryAfterS: 7 } }]);
      await assert.rejects(make(sim.url).callTool(request()), (err: unknown) => err instanceof RateLimited && err.retryAfterMs === 7000);
    });

    test(`${name}: overload and server errors become Unavailable`, async () => {
      sim.setScript([{ id: 'busy', times: 1, respond: { fault: 'overloaded' } }, { id: 'boom', respond: { fault: 'server_error' } }]);
      await assert.rejects(make(sim.url).callTool(request()), Unavailable);
      await assert.rejects(make(sim.url).callTool(request()), Unavailable);
    });

    test(`${name}: a refusal is an InvalidModelOutput carrying the reason and the charged usage`, async () => {
      sim.setScript([{ id: 'no', respond: { fault: 'refusal', text: 'I will not rank this.' } }]);
      await assert.rejects(make(sim.url).callTool(request()), (err: unknown) => {
        assert.ok(err instanceof ModelRefusal);
        assert.equal(err.code, 'INVALID_MODEL_OUTPUT');
        assert.match(err.message, name === 'anthropic' ? /I will not rank this/ : /refused/);
        assert.ok(err.usage.inputTokens > 0);
        return true;
      });
    });

    test(`${name}: a rejected key or unknown model is a UsageError`, async () => {
      const strict = await startLlmStandIn({ apiKey: 'right', models: ['only-this'] });
      try {
        await assert.rejects(make(strict.url).callTool(request()), UsageError);
      } finally {
        await strict.close();
      }
    });

    test(`${name}: arguments cut at max_tokens come back raw or partial with a max_tokens stop`, async () => {
      sim.setScript([{ id: 'cut', respond: { fault: 'max_tokens', toolUse: { name: 'rank', input: { score: 4, why: 'a long explanation of the problem at hand' } } } }]);
      const result = await make(sim.url).callTool(request({ maxTokens: 5 }));
      assert.equal(result.stopReason, 'max_tokens');
      if (name === 'openai') {
        assert.equal(result.input, undefined);
        assert.equal(typeof result.rawInput, 'string');
      }
    });
  }

  test('the SDK retries a 429 itself when allowed, and the result carries one usage', async () => {
    sim.setScript([
      { id: 'limit', times: 1, respond: { fault: 'rate_limit', retryAfterS: 0.01 } },
      { id: 'ok', respond: { toolUse: { name: 'rank', input: { score: 2, why: 'ok' } } } },
    ]);
    const provider = new AnthropicProvider({ apiKey: 'test', baseURL: sim.url, model: MODEL, maxRetries: 2 });
    const from = sim.calls.length;
    const result = await provider.callTool(request());
    assert.deepEqual(result.input, { score: 2, why: 'ok' });
    assert.deepEqual(sim.calls.slice(from).map((c) => c.status), [429, 200]);
  });
});

describe('prompt caching', () => {
  let sim: LlmStandIn;
  before(async () => { sim = await startLlmStandIn(); });
  after(async () => { await sim.close(); });

  test('the prefix is marked for caching only where it reaches the model\'s minimum', async () => {
    sim.setScript([{ id: 'ok', respond: { toolUse: { name: 'rank', input: { score: 2, why: 'ok' } } } }]);
    const marked = (): boolean => JSON.stringify(sim.calls.at(-1)?.body ?? {}).includes('cache_control');
    const short = request();
    const long = { ...short, system: `${short.system}\n${'Rank issues by how many people they hurt. '.repeat(700)}` };
    assert.ok(estimatePrefixTokens(short) < 4096 && estimatePrefixTokens(long) > 4096);
    await new AnthropicProvider({ apiKey: 'test', baseURL: sim.url, model: 'claude-haiku-4-5', maxRetries: 0 }).callTool(short);
    assert.equal(marked(), false, 'a short prefix is not marked: Haiku 4.5 caches from 4,096 tokens');
    await new AnthropicProvider({ apiKey: 'test', baseURL: sim.url, model: 'claude-haiku-4-5', maxRetries: 0 }).callTool(long);
    assert.equal(marked(), true);
    assert.equal(anthropicCacheMinimum('claude-sonnet-4-5'), 1024);
    assert.equal(anthropicCacheMinimum('claude-3-5-haiku-latest'), 4096, 'an unknown name gets the largest minimum');
    assert.equal(anthropicCacheMinimum('claude-haiku-3'), 2048);
  });
});

describe('createLlmProvider', () => {
  test('picks by configuration: anthropic first, then openai, else none', () => {
    assert.equal(createLlmProvider({}), undefined);
    assert.equal(createLlmProvider({ ANTHROPIC_API_KEY: 'k' })?.name, 'anthropic');
    assert.equal(createLlmProvider({ ANTHROPIC_API_KEY: 'k' })?.model, 'claude-sonnet-4-5');
    assert.equal(createLlmProvider({ OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' })?.name, 'openai');
    assert.equal(createLlmProvider({ OPENAI_API_KEY: 'k' })?.model, 'gpt-4o-mini');
    assert.equal(createLlmProvider({ ANTHROPIC_API_KEY: 'k', OPENAI_API_KEY: 'k' })?.name, 'anthropic');
    assert.equal(createLlmProvider({ ANTHROPIC_API_KEY: 'k', OPENAI_API_KEY: 'k', GLOBALLM_LLM_PROVIDER: 'openai' })?.name, 'openai');
    assert.equal(createLlmProvider({ OPENAI_API_KEY: 'k', GLOBALLM_OPENAI_MODEL: 'gpt-4.1-mini' })?.model, 'gpt-4.1-mini');
    assert.equal(createLlmProvider({ ANTHROPIC_API_KEY: 'k', GLOBALLM_ANTHROPIC_MODEL: 'claude-haiku-4-5' })?.model, 'claude-haiku-4-5');
    assert.throws(() => createLlmProvider({ GLOBALLM_LLM_PROVIDER: 'openai' }), UsageError);
  });

  test('a local OpenAI-compatible server without a key gets a placeholder key', async () => {
    const sim = await startLlmStandIn({ apiKey: PLACEHOLDER_API_KEY });
    try {
      sim.setScript([{ id: 'ok', respond: { toolUse: { name: 'rank', input: { score: 1, why: 'x' } } } }]);
      const provider = createLlmProvider({ OPENAI_BASE_URL: `${sim.url}/v1` }, { maxRetries: 0 });
      assert.ok(provider);
      assert.deepEqual((await provider.callTool(request())).input, { score: 1, why: 'x' });
    } finally {
      await sim.close();
    }
  });
});

describe('retryAfterMs', () => {
  test('reads retry-after-ms, seconds, HTTP dates; defaults when absent or junk', () => {
    assert.equal(retryAfterMs(new Headers({ 'retry-after-ms': '250' })), 250);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': '3' })), 3000);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000), 6000);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'soon' })), 30_000);
    assert.equal(retryAfterMs(undefined), 30_000);
  });
});
