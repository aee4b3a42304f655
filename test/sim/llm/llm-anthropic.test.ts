import { describe, test, after, before, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startLlmStandIn, type LlmStandIn } from '../../../src/sim/llm/server.js';
import { tokenCount } from '../../../src/sim/llm/tokens.js';

const MODEL = 'claude-sonnet-4-5';
const rankTool = {
  name: 'rank_issue',
  description: 'Rank one issue',
  input_schema: {
    type: 'object' as const,
    properties: { number: { type: 'integer' }, solvability: { type: 'number' }, category: { type: 'string', enum: ['bug', 'docs'] }, reason: { type: 'string' } },
    required: ['number', 'solvability', 'category', 'reason'],
  },
};

function client(url: string, extra: Partial<ConstructorParameters<typeof Anthropic>[0]> = {}): Anthropic {
  return new Anthropic({ baseURL: url, apiKey: 'test', maxRetries: 0, ...extra });
}

function ask(text: string): Anthropic.MessageCreateParamsNonStreaming {
  return { model: MODEL, max_tokens: 512, messages: [{ role: 'user', content: text }] };
}

describe('LLM stand-in: Anthropic Messages API through the real SDK', () => {
  let sim: LlmStandIn;
  before(async () => { sim = await startLlmStandIn(); });
  after(async () => { await sim.close(); });
  beforeEach(() => sim.setScript([]));

  test('a scripted tool_use comes back parsed, with a tool_use stop reason', async () => {
    const input = { number: 42, solvability: 0.8, category: 'bug', reason: 'null check missing' };
    sim.setScript([{ id: 'rank', match: { provider: 'anthropic', tool: 'rank_issue' }, respond: { toolUse: { name: 'rank_issue', input } } }]);
    const msg = await client(sim.url).messages.create({
      ...ask('Rank issue #42: crash on empty config'),
      tools: [rankTool],
      tool_choice: { type: 'tool', name: 'rank_issue' },
    });
    assert.equal(msg.stop_reason, 'tool_use');
    const block = msg.content.find((b) => b.type === 'tool_use');
    assert.ok(block && block.type === 'tool_use');
    assert.equal(block.name, 'rank_issue');
    assert.deepEqual(block.input, input);
    assert.match(block.id, /^toolu_/);
    assert.equal(sim.calls.at(-1)?.ruleId, 'rank');
    assert.equal(sim.calls.at(-1)?.provider, 'anthropic');
  });

  test('a scripted tool the request did not offer fails loudly', async () => {
    sim.setScript([{ id: 'bad', respond: { toolUse: { name: 'rank_issue', input: {} } } }]);
    await assert.rejects(client(sim.url).messages.create(ask('no tools here')), (err: unknown) => {
      assert.ok(err instanceof Anthropic.InternalServerError);
      assert.match(err.message, /tool 'rank_issue' but the request offered tools \[none\]/);
      return true;
    });
  });

  test('usage is counted with a tokenizer and grows with the prompt', async () => {
    sim.setScript([{ id: 'echo', respond: { text: 'The issue is a missing null check.' } }]);
    const c = client(sim.url);
    const short = await c.messages.create(ask('Summarise this issue.'));
    const long = await c.messages.create(ask(`Summarise this issue. ${'The parser crashes when the config file is empty. '.repeat(40)}`));
    assert.ok(short.usage.input_tokens > 0);
    assert.ok(long.usage.input_tokens > short.usage.input_tokens + 300);
    assert.equal(short.usage.output_tokens, tokenCount('The issue is a missing null check.'));
    assert.equal(long.usage.output_tokens, short.usage.output_tokens);
    assert.equal(short.usage.cache_read_input_tokens, 0);
    assert.deepEqual(sim.usageTotals.inputTokens >= short.usage.input_tokens + long.usage.input_tokens, true);
  });

  test('cache_control makes the second identical prefix a cache read', async () => {
    sim.setScript([{ id: 'ok', respond: { text: 'ok' } }]);
    const c = client(sim.url);
    const system: Anthropic.TextBlockParam[] = [{ type: 'text', text: 'You rank GitHub issues. '.repeat(400), cache_control: { type: 'ephemeral' } }];
    const first = await c.messages.create({ ...ask('Issue #1: typo in README'), system });
    const second = await c.messages.create({ ...ask('Issue #2: crash on start'), system });
    assert.ok(first.usage.cache_creation_input_tokens! >= 1024);
    assert.equal(first.usage.cache_read_input_tokens, 0);
    assert.equal(second.usage.cache_read_input_tokens, first.usage.cache_creation_input_tokens);
    assert.equal(second.usage.cache_creation_input_tokens, 0);
    assert.ok(second.usage.input_tokens > 0 && second.usage.input_tokens < 50);
    const changed = await c.messages.create({ ...ask('Issue #3'), system: [{ type: 'text', text: 'You triage issues. '.repeat(400), cache_control: { type: 'ephemeral' } }] });
    assert.equal(changed.usage.cache_read_input_tokens, 0);
    assert.ok(changed.usage.cache_creation_input_tokens! > 0);
  });

  test('a prefix shorter than the cache minimum is never cached', async () => {
    sim.setScript([{ id: 'ok', respond: { text: 'ok' } }]);
    const c = client(sim.url);
    const system: Anthropic.TextBlockParam[] = [{ type: 'text', text: 'Short system prompt.', cache_control: { type: 'ephemeral' } }];
    await c.messages.create({ ...ask('a'), system });
    const again = await c.messages.create({ ...ask('a'), system });
    assert.equal(again.usage.cache_read_input_tokens, 0);
    assert.equal(again.usage.cache_creation_input_tokens, 0);
  });

  test('429 with retry-after is retried by the SDK and the exhausted rule lets the second attempt through', async () => {
    sim.setScript([
      { id: 'limited', times: 1, respond: { fault: 'rate_limit', retryAfterS: 0.01 } },
      { id: 'answer', respond: { text: 'after the limit' } },
    ]);
    const msg = await client(sim.url, { maxRetries: 1 }).messages.create(ask('hello'));
    assert.deepEqual(msg.content, [{ type: 'text', text: 'after the limit' }]);
    assert.deepEqual(sim.calls.slice(-2).map((c) => [c.status, c.ruleId]), [[429, 'limited'], [200, 'answer']]);
  });

  test('429 without retries left surfaces as RateLimitError with the retry-after header', async () => {
    sim.setScript([{ id: 'limited', respond: { fault: 'rate_limit', retryAfterS: 7 } }]);
    await assert.rejects(client(sim.url).messages.create(ask('hello')), (err: unknown) => {
      assert.ok(err instanceof Anthropic.RateLimitError);
      assert.equal(err.status, 429);
      assert.equal(err.headers?.get('retry-after'), '7');
      assert.equal(err.type, 'rate_limit_error');
      return true;
    });
  });

  test('529 overloaded surfaces as OverloadedError', async () => {
    sim.setScript([{ id: 'busy', respond: { fault: 'overloaded' } }]);
    await assert.rejects(client(sim.url).messages.create(ask('hello')), (err: unknown) => {
      assert.ok(err instanceof Anthropic.OverloadedError);
      assert.equal(err.status, 529);
      assert.equal(err.type, 'overloaded_error');
      return true;
    });
  });

  test('500 server_error surfaces as InternalServerError and is retried', async () => {
    sim.setScript([{ id: 'boom', times: 1, respond: { fault: 'server_error' } }, { id: 'fine', respond: { text: 'recovered' } }]);
    const msg = await client(sim.url, { maxRetries: 1 }).messages.create(ask('hello'));
    assert.equal(msg.content[0]?.type === 'text' ? msg.content[0].text : '', 'recovered');
    assert.equal(sim.calls.at(-2)?.status, 500);
  });

  test('a request missing max_tokens is a 400 invalid_request_error (BadRequestError)', async () => {
    sim.setScript([{ id: 'never', respond: { text: 'never' } }]);
    const body = { model: MODEL, messages: [{ role: 'user', content: 'hi' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming;
    await assert.rejects(client(sim.url).messages.create(body), (err: unknown) => {
      assert.ok(err instanceof Anthropic.BadRequestError);
      assert.equal(err.type, 'invalid_request_error');
      assert.equal(err.apiMessage, 'max_tokens: Field required');
      return true;
    });
    assert.deepEqual(sim.unusedRules(), ['never']);
  });

  test('malformed bodies are rejected the way the API rejects them', async () => {
    const c = client(sim.url);
    const cases: Array<[unknown, RegExp]> = [
      [{ model: MODEL, max_tokens: 10, messages: [] }, /^messages: at least one message/],
      [{ model: MODEL, max_tokens: 10, messages: [{ role: 'system', content: 'x' }] }, /^messages\.0\.role/],
      [{ model: MODEL, max_tokens: 0, messages: [{ role: 'user', content: 'x' }] }, /^max_tokens/],
      [{ model: MODEL, max_tokens: 10, temperature: 3, messages: [{ role: 'user', content: 'x' }] }, /^temperature/],
      [{ model: MODEL, max_tokens: 10, bogus: 1, messages: [{ role: 'user', content: 'x' }] }, /^bogus: Extra inputs are not permitted/],
      [{ model: MODEL, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'x' }] }, /streaming is not supported/],
      [{ model: MODEL, max_tokens: 10, system: [{ type: 'text', text: 's', cache_control: { type: 'forever' } }], messages: [{ role: 'user', content: 'x' }] }, /^system\.0\.cache_control/],
      [{ model: MODEL, max_tokens: 10, tool_choice: { type: 'tool', name: 'nope' }, tools: [rankTool], messages: [{ role: 'user', content: 'x' }] }, /Tool 'nope' not found/],
      [{ model: MODEL, max_tokens: 10, messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'rank_issue', input: {} }] },
        { role: 'user', content: 'no result' },
      ] }, /tool_use` ids were found without `tool_result` blocks immediately after: toolu_1/],
      [{ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'r' }] }] }, /unexpected `tool_use_id`/],
      [{ model: MODEL, max_tokens: 10, system: [1, 2, 3, 4, 5].map((n) => ({ type: 'text', text: `s${n}`, cache_control: { type: 'ephemeral' } })), messages: [{ role: 'user', content: 'x' }] }, /A maximum of 4 blocks with cache_control/],
    ];
    for (const [body, message] of cases) {
      await assert.rejects(c.messages.create(body as Anthropic.MessageCreateParamsNonStreaming), (err: unknown) => {
        assert.ok(err instanceof Anthropic.BadRequestError, `expected 400 for ${JSON.stringify(body)}`);
        assert.equal(err.type, 'invalid_request_error');
        assert.match(err.apiMessage ?? '', message);
        return true;
      });
    }
  });

  test('a valid tool round trip (tool_use then tool_result) is accepted', async () => {
    sim.setScript([{ id: 'done', match: { contains: 'RESULT-7' }, respond: { text: 'thanks' } }]);
    const msg = await client(sim.url).messages.create({
      model: MODEL, max_tokens: 50, tools: [rankTool],
      messages: [
        { role: 'user', content: 'rank it' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'rank_issue', input: { number: 1 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'RESULT-7' }] },
      ],
    });
    assert.equal(msg.stop_reason, 'end_turn');
  });

  test('no x-api-key is a 401 authentication_error; no anthropic-version is a 400', async () => {
    const body = JSON.stringify(ask('hi'));
    const noKey = await fetch(`${sim.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body });
    assert.equal(noKey.status, 401);
    assert.deepEqual(await noKey.json(), { type: 'error', error: { type: 'authentication_error', message: 'x-api-key header is required' } });
    const noVersion = await fetch(`${sim.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k' }, body });
    assert.equal(noVersion.status, 400);
    const notJson = await fetch(`${sim.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' }, body: '{"model":' });
    assert.equal(notJson.status, 400);
    assert.equal(((await notJson.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
  });

  test('truncated tool input stops with max_tokens and loses part of the input', async () => {
    const input = { number: 7, solvability: 0.5, category: 'bug', reason: 'a long explanation of the failure' };
    sim.setScript([{ id: 'cut', respond: { fault: 'truncated', toolUse: { name: 'rank_issue', input } } }]);
    const msg = await client(sim.url).messages.create({ ...ask('rank #7'), tools: [rankTool] });
    assert.equal(msg.stop_reason, 'max_tokens');
    assert.equal(msg.usage.output_tokens, 512);
    const block = msg.content.find((b) => b.type === 'tool_use');
    assert.ok(block && block.type === 'tool_use');
    assert.deepEqual(block.input, { number: 7, solvability: 0.5 });
  });

  test('text longer than max_tokens is cut at exactly max_tokens', async () => {
    const text = 'Word after word the answer goes on and on. '.repeat(50);
    sim.setScript([{ id: 'long', respond: { text } }, ]);
    const msg = await client(sim.url).messages.create({ ...ask('explain'), max_tokens: 20 });
    assert.equal(msg.stop_reason, 'max_tokens');
    assert.equal(msg.usage.output_tokens, 20);
    const out = msg.content[0]?.type === 'text' ? msg.content[0].text : '';
    assert.ok(text.startsWith(out) && out.length > 0 && out.length < text.length);
    assert.equal(tokenCount(out), 20);
  });

  test('the max_tokens fault fills the budget even for a short answer', async () => {
    sim.setScript([{ id: 'max', respond: { fault: 'max_tokens', text: 'Short start. ' } }]);
    const msg = await client(sim.url).messages.create({ ...ask('explain'), max_tokens: 30 });
    assert.equal(msg.stop_reason, 'max_tokens');
    assert.equal(msg.usage.output_tokens, 30);
    assert.ok(msg.content[0]?.type === 'text' && msg.content[0].text.startsWith('Short start.'));
  });

  test('stop_sequences cut the text and are reported', async () => {
    sim.setScript([{ id: 'stop', respond: { text: 'score: 0.7\nEND\nmore text' } }]);
    const msg = await client(sim.url).messages.create({ ...ask('score'), stop_sequences: ['END'] });
    assert.equal(msg.stop_reason, 'stop_sequence');
    assert.equal(msg.stop_sequence, 'END');
    assert.deepEqual(msg.content, [{ type: 'text', text: 'score: 0.7\n' }]);
  });

  test('refusal answers with stop_reason refusal', async () => {
    sim.setScript([{ id: 'no', respond: { fault: 'refusal' } }]);
    const msg = await client(sim.url).messages.create(ask('do something bad'));
    assert.equal(msg.stop_reason, 'refusal');
    assert.deepEqual(msg.content, []);
  });

  test('malformed tool input is JSON that breaks the tool schema', async () => {
    sim.setScript([{ id: 'bad', respond: { fault: 'malformed' } }]);
    const msg = await client(sim.url).messages.create({ ...ask('rank'), tools: [rankTool], tool_choice: { type: 'tool', name: 'rank_issue' } });
    const block = msg.content.find((b) => b.type === 'tool_use');
    assert.ok(block && block.type === 'tool_use');
    const input = block.input as Record<string, unknown>;
    assert.equal(typeof input['number'], 'string');
    assert.equal(typeof input['reason'], 'number');
    assert.ok(!['bug', 'docs'].includes(input['category'] as string));
  });

  test('a dynamic rule answers each issue by the number found in the prompt', async () => {
    sim.setScript([{
      id: 'by-number',
      match: { matches: 'issue #\\d+' },
      respond: (req) => {
        const n = Number(/issue #(\d+)/.exec(req.text)?.[1]);
        return { toolUse: { name: 'rank_issue', input: { number: n, solvability: n / 100, category: 'bug', reason: `issue ${n}` } } };
      },
    }]);
    const c = client(sim.url);
    for (const n of [12, 57]) {
      const msg = await c.messages.create({ ...ask(`Rank issue #${n}`), tools: [rankTool] });
      const block = msg.content.find((b) => b.type === 'tool_use');
      assert.ok(block && block.type === 'tool_use');
      assert.deepEqual(block.input, { number: n, solvability: n / 100, category: 'bug', reason: `issue ${n}` });
    }
  });

  test('a request no rule matches fails loudly with one call only', async () => {
    sim.setScript([{ id: 'other', match: { contains: 'something else' }, respond: { text: 'x' } }]);
    const before = sim.calls.length;
    await assert.rejects(client(sim.url, { maxRetries: 2 }).messages.create(ask('unexpected prompt')), (err: unknown) => {
      assert.ok(err instanceof Anthropic.InternalServerError);
      assert.equal(err.status, 500);
      assert.match(err.message, /no script rule matched: provider=anthropic model=claude-sonnet-4-5/);
      assert.match(err.message, /unexpected prompt/);
      return true;
    });
    assert.equal(sim.calls.length - before, 1);
    assert.equal(sim.calls.at(-1)?.ruleId, null);
  });

  test('models are listed in the Anthropic shape', async () => {
    const page = await client(sim.url).models.list();
    assert.ok(page.data.some((m) => m.id === MODEL));
  });
});

describe('LLM stand-in: timeouts and shutdown', () => {
  test('a timeout fault makes the SDK time out and the server still closes', async () => {
    const sim = await startLlmStandIn({ script: [{ id: 'hang', respond: { fault: 'timeout' } }] });
    try {
      await assert.rejects(client(sim.url, { timeout: 150 }).messages.create(ask('wait')), Anthropic.APIConnectionTimeoutError);
      assert.equal(sim.calls[0]?.status, 0);
      assert.equal(sim.calls[0]?.ruleId, 'hang');
    } finally {
      await sim.close();
    }
  });

  test('close() does not wait for a request still hanging', async () => {
    const sim = await startLlmStandIn({ script: [{ id: 'hang', respond: { fault: 'timeout' } }] });
    const pending = client(sim.url, { timeout: 60_000 }).messages.create(ask('wait'));
    while (sim.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    await sim.close();
    await assert.rejects(pending, Anthropic.APIConnectionError);
  });

  test('a slow answer arrives after its delay', async () => {
    const sim = await startLlmStandIn({ script: [{ id: 'slow', respond: { fault: 'slow', delayMs: 30, then: { text: 'eventually' } } }] });
    try {
      const msg = await client(sim.url).messages.create(ask('slowly'));
      assert.deepEqual(msg.content, [{ type: 'text', text: 'eventually' }]);
    } finally {
      await sim.close();
    }
  });

  test('a configured model list rejects unknown models with 404', async () => {
    const sim = await startLlmStandIn({ models: [MODEL], default: { text: 'hi' } });
    try {
      await assert.rejects(client(sim.url).messages.create({ ...ask('x'), model: 'claude-unknown' }), Anthropic.NotFoundError);
      const ok = await client(sim.url).messages.create(ask('x'));
      assert.equal(sim.calls.at(-1)?.ruleId, 'default');
      assert.equal(ok.model, MODEL);
    } finally {
      await sim.close();
    }
  });
});
