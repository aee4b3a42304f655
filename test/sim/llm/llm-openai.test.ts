import { describe, test, after, before, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startLlmStandIn, type LlmStandIn } from '../../../src/sim/llm/server.js';
import { tokenCount } from '../../../src/sim/llm/tokens.js';

const MODEL = 'gpt-4.1-mini';
const fixTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'propose_fix',
    description: 'Propose a fix',
    parameters: { type: 'object', properties: { file: { type: 'string' }, patch: { type: 'string' } }, required: ['file', 'patch'] },
  },
};
const verdictFormat: OpenAI.ResponseFormatJSONSchema = {
  type: 'json_schema',
  json_schema: {
    name: 'verdict',
    strict: true,
    schema: { type: 'object', properties: { solvable: { type: 'boolean' }, score: { type: 'number' } }, required: ['solvable', 'score'], additionalProperties: false },
  },
};

function client(url: string, extra: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}): OpenAI {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey: 'test', maxRetries: 0, ...extra });
}

function ask(text: string): OpenAI.ChatCompletionCreateParamsNonStreaming {
  return { model: MODEL, max_completion_tokens: 256, messages: [{ role: 'system', content: 'You fix bugs.' }, { role: 'user', content: text }] };
}

describe('LLM stand-in: OpenAI chat completions through the real SDK', () => {
  let sim: LlmStandIn;
  before(async () => { sim = await startLlmStandIn(); });
  after(async () => { await sim.close(); });
  beforeEach(() => sim.setScript([]));

  test('a scripted tool call comes back as tool_calls with JSON-string arguments', async () => {
    const input = { file: 'src/parse.ts', patch: '- a\n+ b' };
    sim.setScript([{ id: 'fix', match: { provider: 'openai', tool: 'propose_fix' }, respond: { toolUse: { name: 'propose_fix', input } } }]);
    const res = await client(sim.url).chat.completions.create({ ...ask('fix issue 3'), tools: [fixTool], tool_choice: { type: 'function', function: { name: 'propose_fix' } } });
    const choice = res.choices[0];
    assert.ok(choice);
    assert.equal(choice.finish_reason, 'tool_calls');
    const call = choice.message.tool_calls?.[0];
    assert.ok(call && call.type === 'function');
    assert.equal(call.function.name, 'propose_fix');
    assert.equal(typeof call.function.arguments, 'string');
    assert.deepEqual(JSON.parse(call.function.arguments), input);
    assert.match(call.id, /^call_/);
  });

  test('json_schema output comes back as JSON content', async () => {
    sim.setScript([{ id: 'verdict', respond: { toolUse: { name: 'verdict', input: { solvable: true, score: 0.75 } } } }]);
    const res = await client(sim.url).chat.completions.create({ ...ask('judge'), response_format: verdictFormat });
    const choice = res.choices[0];
    assert.equal(choice?.finish_reason, 'stop');
    assert.deepEqual(JSON.parse(choice?.message.content ?? ''), { solvable: true, score: 0.75 });
    assert.equal(choice?.message.tool_calls, undefined);
  });

  test('raw json content is sent verbatim, even when it is not JSON', async () => {
    sim.setScript([{ id: 'raw', respond: { json: '{"solvable": tru' } }]);
    const res = await client(sim.url).chat.completions.create({ ...ask('judge'), response_format: verdictFormat });
    assert.equal(res.choices[0]?.message.content, '{"solvable": tru');
    assert.throws(() => JSON.parse(res.choices[0]?.message.content ?? ''), SyntaxError);
  });

  test('truncated JSON stops with finish_reason length and does not parse', async () => {
    sim.setScript([{ id: 'cut', respond: { fault: 'truncated', toolUse: { name: 'verdict', input: { solvable: true, score: 0.5 } } } }]);
    const res = await client(sim.url).chat.completions.create({ ...ask('judge'), response_format: verdictFormat });
    assert.equal(res.choices[0]?.finish_reason, 'length');
    const content = res.choices[0]?.message.content ?? '';
    assert.ok(JSON.stringify({ solvable: true, score: 0.5 }).startsWith(content) && content.length > 0);
    assert.throws(() => JSON.parse(content), SyntaxError);
    assert.equal(res.usage?.completion_tokens, 256);
  });

  test('truncated tool arguments are cut mid-string', async () => {
    sim.setScript([{ id: 'cut', respond: { fault: 'truncated', toolUse: { name: 'propose_fix', input: { file: 'a.ts', patch: 'x'.repeat(40) } } } }]);
    const res = await client(sim.url).chat.completions.create({ ...ask('fix'), tools: [fixTool] });
    assert.equal(res.choices[0]?.finish_reason, 'length');
    const call = res.choices[0]?.message.tool_calls?.[0];
    assert.ok(call && call.type === 'function');
    assert.throws(() => JSON.parse(call.function.arguments), SyntaxError);
  });

  test('refusal sets the refusal field and content_filter', async () => {
    sim.setScript([{ id: 'no', respond: { fault: 'refusal', text: 'I will not do that.' } }]);
    const res = await client(sim.url).chat.completions.create(ask('bad'));
    assert.equal(res.choices[0]?.finish_reason, 'content_filter');
    assert.equal(res.choices[0]?.message.content, null);
    assert.equal(res.choices[0]?.message.refusal, 'I will not do that.');
  });

  test('malformed output under json_schema is valid JSON that breaks the schema', async () => {
    sim.setScript([{ id: 'bad', respond: { fault: 'malformed' } }]);
    const res = await client(sim.url).chat.completions.create({ ...ask('judge'), response_format: verdictFormat });
    const parsed = JSON.parse(res.choices[0]?.message.content ?? '') as Record<string, unknown>;
    assert.notEqual(typeof parsed['solvable'], 'boolean');
    assert.notEqual(typeof parsed['score'], 'number');
  });

  test('malformed output without a format is not JSON at all', async () => {
    sim.setScript([{ id: 'bad', respond: { fault: 'malformed' } }]);
    const res = await client(sim.url).chat.completions.create(ask('judge'));
    assert.throws(() => JSON.parse(res.choices[0]?.message.content ?? ''), SyntaxError);
  });

  test('usage counts tokens, totals add up and a repeated long prompt reports cached tokens', async () => {
    sim.setScript([{ id: 'ok', respond: { text: 'Looks fine to me.' } }]);
    const c = client(sim.url);
    const long = `Context: ${'The build fails when the lockfile is stale. '.repeat(150)}`;
    const first = await c.chat.completions.create(ask(long));
    const second = await c.chat.completions.create(ask(long));
    const short = await c.chat.completions.create(ask('hi'));
    assert.ok(first.usage && second.usage && short.usage);
    assert.ok(first.usage.prompt_tokens > 1024);
    assert.ok(short.usage.prompt_tokens > 0 && short.usage.prompt_tokens < first.usage.prompt_tokens);
    assert.equal(first.usage.completion_tokens, tokenCount('Looks fine to me.'));
    assert.equal(first.usage.total_tokens, first.usage.prompt_tokens + first.usage.completion_tokens);
    assert.equal(first.usage.prompt_tokens_details?.cached_tokens, 0);
    const cached = second.usage.prompt_tokens_details?.cached_tokens ?? 0;
    assert.ok(cached >= 1024 && cached <= second.usage.prompt_tokens);
    assert.equal((cached - 1024) % 128, 0);
    assert.equal(short.usage.prompt_tokens_details?.cached_tokens, 0);
  });

  test('a rate limit is retried by the SDK after retry-after', async () => {
    sim.setScript([
      { id: 'limited', times: 1, respond: { fault: 'rate_limit', retryAfterS: 0.01 } },
      { id: 'answer', respond: { text: 'done' } },
    ]);
    const res = await client(sim.url, { maxRetries: 1 }).chat.completions.create(ask('go'));
    assert.equal(res.choices[0]?.message.content, 'done');
    assert.deepEqual(sim.calls.slice(-2).map((c) => c.status), [429, 200]);
  });

  test('a rate limit without retries left is a RateLimitError with code rate_limit_exceeded', async () => {
    sim.setScript([{ id: 'limited', respond: { fault: 'rate_limit', retryAfterS: 3 } }]);
    await assert.rejects(client(sim.url).chat.completions.create(ask('go')), (err: unknown) => {
      assert.ok(err instanceof OpenAI.RateLimitError);
      assert.equal(err.code, 'rate_limit_exceeded');
      assert.equal(err.headers.get('retry-after'), '3');
      return true;
    });
  });

  test('overloaded is a 503 InternalServerError', async () => {
    sim.setScript([{ id: 'busy', respond: { fault: 'overloaded' } }]);
    await assert.rejects(client(sim.url).chat.completions.create(ask('go')), (err: unknown) => {
      assert.ok(err instanceof OpenAI.InternalServerError);
      assert.equal(err.status, 503);
      return true;
    });
  });

  test('bad requests are 400s in the OpenAI error shape', async () => {
    const c = client(sim.url);
    const cases: Array<[unknown, RegExp]> = [
      [{ model: MODEL }, /Missing required parameter: 'messages'/],
      [{ model: MODEL, messages: [{ role: 'robot', content: 'x' }] }, /messages\.0\.role/],
      [{ model: MODEL, messages: [{ role: 'user', content: 'x' }], wat: true }, /Unrecognized request argument supplied: wat/],
      [{ model: MODEL, messages: [{ role: 'user', content: 'x' }], stream: true }, /streaming is not supported/],
      [{ model: MODEL, messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } }, /must contain the word 'json'/],
      [{ model: MODEL, messages: [{ role: 'user', content: 'x' }], tool_choice: 'required' }, /only allowed when 'tools' are specified/],
      [{ model: MODEL, messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'call_1', content: 'r' }] }, /must be a response to a preceeding message with 'tool_calls'/],
      [{ model: MODEL, messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'propose_fix', arguments: '{}' } }] },
        { role: 'user', content: 'y' },
      ] }, /did not have response messages: call_1/],
    ];
    for (const [body, message] of cases) {
      await assert.rejects(c.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming), (err: unknown) => {
        assert.ok(err instanceof OpenAI.BadRequestError, `expected 400 for ${JSON.stringify(body)}`);
        assert.equal(err.type, 'invalid_request_error');
        assert.match(err.message, message);
        return true;
      });
    }
  });

  test('json_object with the word json and a tool round trip are accepted', async () => {
    sim.setScript([{ id: 'ok', respond: { json: '{"ok":true}' } }]);
    const c = client(sim.url);
    const a = await c.chat.completions.create({ ...ask('answer in JSON'), response_format: { type: 'json_object' } });
    assert.deepEqual(JSON.parse(a.choices[0]?.message.content ?? ''), { ok: true });
    const b = await c.chat.completions.create({
      model: MODEL, tools: [fixTool],
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'propose_fix', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'applied' },
      ],
    });
    assert.equal(b.choices[0]?.finish_reason, 'stop');
  });

  test('a missing bearer token is a 401 in the OpenAI shape', async () => {
    const res = await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ask('x')) });
    assert.equal(res.status, 401);
    const body = (await res.json()) as { error: { type: string; message: string } };
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /API key/);
  });

  test('a request no rule matches fails loudly', async () => {
    await assert.rejects(client(sim.url, { maxRetries: 2 }).chat.completions.create(ask('surprise')), (err: unknown) => {
      assert.ok(err instanceof OpenAI.InternalServerError);
      assert.match(err.message, /no script rule matched: provider=openai model=gpt-4\.1-mini/);
      return true;
    });
    assert.equal(sim.calls.filter((c) => c.error?.includes('no script rule matched') && c.provider === 'openai').length, 1);
  });

  test('models are listed', async () => {
    const page = await client(sim.url).models.list();
    assert.ok(page.data.some((m) => m.id === MODEL));
  });

  test('a timeout fault makes the SDK time out', async () => {
    sim.setScript([{ id: 'hang', respond: { fault: 'timeout' } }]);
    await assert.rejects(client(sim.url, { timeout: 150 }).chat.completions.create(ask('wait')), OpenAI.APIConnectionTimeoutError);
  });
});
