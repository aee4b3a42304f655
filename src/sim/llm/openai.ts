import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import { outcome, type Outcome, type ProviderContext } from './context.js';
import { bearer, modelOf } from './http.js';
import {
  ChatCompletionRequestSchema,
  type ChatCompletionRequest, type ChatCompletionResponse, type ChatMessage,
} from './openai-schema.js';
import { renderAnswer } from './render.js';
import type { Resolution } from './script.js';
import type { ScriptRequest } from './schema.js';
import { encodeText } from './tokens.js';

/** Tokens the chat format adds around each message, and to prime the reply. */
const PER_MESSAGE_TOKENS = 3;
const REPLY_PRIMING_TOKENS = 3;

export function openAiError(status: number, type: string, message: string, fields: Parameters<typeof outcome>[2] & { param?: string | null; code?: string | null } = {}): Outcome {
  const { param = null, code = null, ...rest } = fields;
  return outcome(status, { error: { message, type, param, code } }, { error: message, ...rest });
}

/** `GET /v1/chat/completions`: the completions stored with `store: true`, filtered like the real API. */
export function handleListChatCompletions(ctx: ProviderContext, headers: IncomingHttpHeaders, params: URLSearchParams): Outcome {
  return checkAuth(ctx, headers) ?? ctx.stored.list(params, (status, message, param) => openAiError(status, 'invalid_request_error', message, { param }));
}

/** `POST /v1/chat/completions`: validate like the real API, then answer from the script. */
export async function handleChatCompletions(ctx: ProviderContext, headers: IncomingHttpHeaders, raw: unknown): Promise<Outcome> {
  const auth = checkAuth(ctx, headers);
  if (auth) return auth;
  const model = modelOf(raw);
  const parsed = ChatCompletionRequestSchema.safeParse(raw);
  if (!parsed.success) return validationError(parsed.error, model);
  const body = parsed.data;
  if (body.stream === true) {
    return openAiError(400, 'invalid_request_error', 'stream: streaming is not supported by this stand-in; send stream: false', { model, param: 'stream' });
  }
  const invalid = checkSemantics(body);
  if (invalid) return openAiError(400, 'invalid_request_error', invalid.message, { model, param: invalid.param });
  if (ctx.models && !ctx.models.includes(body.model)) {
    return openAiError(404, 'invalid_request_error', `The model \`${body.model}\` does not exist or you do not have access to it.`, { model, code: 'model_not_found' });
  }
  const request = toScriptRequest(body, raw);
  const resolution = await ctx.script.resolve(request);
  return answer(ctx, body, request, resolution);
}

export function checkAuth(ctx: ProviderContext, headers: IncomingHttpHeaders): Outcome | null {
  const key = bearer(headers['authorization']);
  if (!key) {
    return openAiError(401, 'invalid_request_error', "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
  }
  if (ctx.apiKey !== undefined && key !== ctx.apiKey) return openAiError(401, 'invalid_request_error', 'Incorrect API key provided.', { code: 'invalid_api_key' });
  return null;
}

function validationError(error: z.ZodError, model: string | undefined): Outcome {
  const issue = error.issues[0];
  const param = issue ? issue.path.map(String).join('.') : null;
  if (issue?.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return openAiError(400, 'invalid_request_error', `Unrecognized request argument supplied: ${param ? `${param}.` : ''}${key}`, { model });
  }
  if (issue?.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return openAiError(400, 'invalid_request_error', `Missing required parameter: '${param ?? ''}'.`, { model, param, code: 'missing_required_parameter' });
  }
  return openAiError(400, 'invalid_request_error', `Invalid value for '${param ?? ''}': ${issue?.message ?? 'invalid request'}`, { model, param, code: 'invalid_value' });
}

function checkSemantics(body: ChatCompletionRequest): { message: string; param: string } | null {
  const names = (body.tools ?? []).map((t) => t.function.name);
  const choice = body.tool_choice;
  if (choice !== undefined && choice !== 'none' && choice !== 'auto' && names.length === 0) {
    return { message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", param: 'tool_choice' };
  }
  if (typeof choice === 'object' && !names.includes(choice.function.name)) {
    return { message: `Invalid value for 'tool_choice': function '${choice.function.name}' was not found in 'tools'.`, param: 'tool_choice' };
  }
  if (body.response_format?.type === 'json_object' && !body.messages.some((m) => /json/i.test(contentText(m.content)))) {
    return { message: "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", param: 'messages' };
  }
  return checkToolPairing(body.messages);
}

function checkToolPairing(messages: readonly ChatMessage[]): { message: string; param: string } | null {
  let pending: Set<string> | null = null;
  let pendingAt = -1;
  for (const [i, message] of messages.entries()) {
    if (message.role === 'tool') {
      if (pending === null || !pending.has(message.tool_call_id)) {
        return { message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", param: `messages.[${i}].role` };
      }
      pending.delete(message.tool_call_id);
      continue;
    }
    if (pending !== null && pending.size > 0) {
      return {
        message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...pending].join(', ')}`,
        param: `messages.[${pendingAt}].role`,
      };
    }
    pending = null;
    if (message.role === 'assistant' && message.tool_calls && message.tool_calls.length > 0) {
      pending = new Set(message.tool_calls.map((c) => c.id));
      pendingAt = i;
    }
  }
  return null;
}

function contentText(content: ChatMessage['content']): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((p) => (p.type === 'text' ? p.text : '[image]')).join('\n');
}

function messageText(message: ChatMessage): string {
  const text = contentText(message.content);
  if (message.role !== 'assistant' || !message.tool_calls) return text;
  const calls = message.tool_calls.map((c) => `[tool_call ${c.function.name}] ${c.function.arguments}`);
  return [text, ...calls].filter((t) => t.length > 0).join('\n');
}

function toScriptRequest(body: ChatCompletionRequest, raw: unknown): ScriptRequest {
  const messages = body.messages.map((m) => ({ role: m.role, text: messageText(m) }));
  const system = messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => m.text).join('\n');
  const format = body.response_format;
  const choice = body.tool_choice;
  return {
    provider: 'openai',
    model: body.model,
    text: messages.map((m) => m.text).filter((t) => t.length > 0).join('\n'),
    system,
    messages,
    tools: (body.tools ?? []).map((t) => ({ name: t.function.name, schema: t.function.parameters ?? {} })),
    forcedTool: typeof choice === 'object' ? choice.function.name : undefined,
    responseFormat: format?.type === 'json_schema' ? { type: 'json_schema', name: format.json_schema.name, schema: format.json_schema.schema ?? {} }
      : format?.type === 'json_object' ? { type: 'json_object' } : undefined,
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    stopSequences: body.stop == null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop,
    body: raw,
  };
}

/** The prompt as the model reads it: tool and format definitions, then each message. */
function promptTokens(body: ChatCompletionRequest): { tokens: number[]; count: number } {
  const parts: string[] = [];
  if (body.tools) parts.push(`tools: ${JSON.stringify(body.tools)}\n`);
  if (body.response_format) parts.push(`response_format: ${JSON.stringify(body.response_format)}\n`);
  for (const message of body.messages) parts.push(`${message.role}:\n${messageText(message)}\n\n`);
  const tokens = encodeText(parts.join(''));
  return { tokens, count: tokens.length + PER_MESSAGE_TOKENS * body.messages.length + REPLY_PRIMING_TOKENS };
}

function answer(ctx: ProviderContext, body: ChatCompletionRequest, request: ScriptRequest, resolution: Resolution): Outcome {
  const model = body.model;
  const noRetry = { 'x-should-retry': 'false' };
  switch (resolution.kind) {
    case 'unmatched': return openAiError(500, 'server_error', resolution.message, { model, headers: noRetry });
    case 'script_error': return openAiError(500, 'server_error', resolution.message, { model, headers: noRetry, ruleId: resolution.ruleId });
    case 'fault': {
      const ruleId = resolution.ruleId;
      const f = resolution.fault;
      if (f.fault === 'timeout') return outcome(0, null, { hang: true, model, ruleId });
      if (f.fault === 'rate_limit') {
        return openAiError(429, 'requests', `Rate limit reached for ${model}. Please try again in ${f.retryAfterS}s.`,
          { model, ruleId, code: 'rate_limit_exceeded', headers: { 'retry-after': String(f.retryAfterS) } });
      }
      if (f.fault === 'overloaded') return openAiError(503, 'server_error', 'The engine is currently overloaded, please try again later.', { model, ruleId });
      return openAiError(500, 'server_error', 'The server had an error while processing your request. Sorry about that!', { model, ruleId });
    }
    case 'answer': break;
  }
  const rendered = renderAnswer(request, resolution);
  if ('error' in rendered) return openAiError(500, 'server_error', rendered.error, { model, headers: noRetry, ruleId: resolution.ruleId });
  const prompt = promptTokens(body);
  const cached = Math.min(ctx.openAiCache.account(prompt.tokens), prompt.count);
  const tool = rendered.finish === 'refusal' ? null : rendered.draft.tool;
  const finishReason = rendered.finish === 'refusal' ? (request.responseFormat?.type === 'json_schema' ? 'stop' : 'content_filter')
    : rendered.finish === 'length' ? 'length'
    : tool ? 'tool_calls' : 'stop';
  const message: ChatCompletionResponse['choices'][number]['message'] = {
    role: 'assistant',
    content: rendered.finish === 'refusal' ? null : rendered.draft.text,
    refusal: rendered.refusal,
  };
  if (tool) {
    message.tool_calls = [{ id: ctx.nextId('call_'), type: 'function', function: { name: tool.name, arguments: rendered.rawArguments ?? JSON.stringify(tool.input) } }];
  }
  const response: ChatCompletionResponse = {
    id: ctx.nextId('chatcmpl-'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: 'fp_llm_stand_in',
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage: {
      prompt_tokens: prompt.count,
      completion_tokens: rendered.outputTokens,
      total_tokens: prompt.count + rendered.outputTokens,
      prompt_tokens_details: { cached_tokens: cached },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
  };
  if (body.store === true) ctx.stored.add({ ...response, metadata: body.metadata ?? {} });
  const usage = { inputTokens: prompt.count - cached, outputTokens: rendered.outputTokens, cacheCreationInputTokens: 0, cacheReadInputTokens: cached };
  return outcome(200, response, { model, ruleId: resolution.ruleId, usage, delayMs: resolution.delayMs });
}
