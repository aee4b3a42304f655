import type { IncomingHttpHeaders } from 'node:http';
import { outcome, type Outcome, type ProviderContext } from './context.js';
import { bearer, describeIssue, headerValue, modelOf } from './http.js';
import type { CacheSegment } from './prompt-cache.js';
import { renderAnswer } from './render.js';
import {
  MessagesRequestSchema,
  type ContentBlock, type MessageParam, type MessagesRequest, type MessagesResponse, type ResponseBlock,
} from './anthropic-schema.js';
import type { Resolution } from './script.js';
import type { ScriptRequest } from './schema.js';
import { tokenCount } from './tokens.js';

/** Tokens charged for one image block (the real cost depends on its size). */
const IMAGE_TOKENS = 1200;
const MAX_CACHE_BREAKPOINTS = 4;

type ErrorType = 'invalid_request_error' | 'authentication_error' | 'not_found_error' | 'rate_limit_error' | 'api_error' | 'overloaded_error' | 'request_too_large';

export function anthropicError(status: number, type: ErrorType, message: string, fields: Parameters<typeof outcome>[2] = {}): Outcome {
  return outcome(status, { type: 'error', error: { type, message } }, { error: message, ...fields });
}

/** `POST /v1/messages`: validate like the real API, then answer from the script. */
export async function handleMessages(ctx: ProviderContext, headers: IncomingHttpHeaders, raw: unknown): Promise<Outcome> {
  const auth = checkAnthropicAuth(ctx, headers);
  if (auth) return auth;
  if (!headerValue(headers['anthropic-version'])) return anthropicError(400, 'invalid_request_error', 'anthropic-version: header is required');
  const parsed = MessagesRequestSchema.safeParse(raw);
  const model = modelOf(raw);
  if (!parsed.success) return anthropicError(400, 'invalid_request_error', describeIssue(parsed.error), { model });
  const body = parsed.data;
  if (body.stream === true) {
    return anthropicError(400, 'invalid_request_error', 'stream: streaming is not supported by this stand-in; send stream: false', { model });
  }
  const invalid = checkSemantics(body);
  if (invalid) return anthropicError(400, 'invalid_request_error', invalid, { model });
  if (ctx.models && !ctx.models.includes(body.model)) return anthropicError(404, 'not_found_error', `model: ${body.model}`, { model });

  const request = toScriptRequest(body, raw);
  const resolution = await ctx.script.resolve(request);
  return answer(ctx, body, request, resolution);
}

/** The API takes the key as `x-api-key` or as a bearer token (which newer SDKs send). */
export function checkAnthropicAuth(ctx: ProviderContext, headers: IncomingHttpHeaders): Outcome | null {
  const key = headerValue(headers['x-api-key']) ?? bearer(headers['authorization']);
  if (!key) return anthropicError(401, 'authentication_error', 'x-api-key header is required');
  if (ctx.apiKey !== undefined && key !== ctx.apiKey) return anthropicError(401, 'authentication_error', 'invalid x-api-key');
  return null;
}

function answer(ctx: ProviderContext, body: MessagesRequest, request: ScriptRequest, resolution: Resolution): Outcome {
  const model = body.model;
  const noRetry = { 'x-should-retry': 'false' };
  switch (resolution.kind) {
    case 'unmatched': return anthropicError(500, 'api_error', resolution.message, { model, headers: noRetry });
    case 'script_error': return anthropicError(500, 'api_error', resolution.message, { model, headers: noRetry, ruleId: resolution.ruleId });
    case 'fault': {
      const ruleId = resolution.ruleId;
      const f = resolution.fault;
      if (f.fault === 'timeout') return outcome(0, null, { hang: true, model, ruleId });
      if (f.fault === 'rate_limit') {
        return anthropicError(429, 'rate_limit_error', 'This request would exceed the rate limit for your organization. Please retry after the time in the retry-after header.',
          { model, ruleId, headers: { 'retry-after': String(f.retryAfterS) } });
      }
      if (f.fault === 'overloaded') return anthropicError(529, 'overloaded_error', 'Overloaded', { model, ruleId });
      return anthropicError(500, 'api_error', 'Internal server error', { model, ruleId });
    }
    case 'answer': break;
  }
  const rendered = renderAnswer(request, resolution);
  if ('error' in rendered) return anthropicError(500, 'api_error', rendered.error, { model, headers: noRetry, ruleId: resolution.ruleId });
  const content: ResponseBlock[] = [];
  if (rendered.finish === 'refusal') {
    if (resolution.refusalText !== null) content.push({ type: 'text', text: resolution.refusalText });
  } else {
    if (rendered.draft.text) content.push({ type: 'text', text: rendered.draft.text });
    if (rendered.draft.tool) content.push({ type: 'tool_use', id: ctx.nextId('toolu_'), name: rendered.draft.tool.name, input: rendered.draft.tool.input });
  }
  const stopReason = rendered.finish === 'refusal' ? 'refusal'
    : rendered.finish === 'length' ? 'max_tokens'
    : rendered.finish === 'stop_sequence' ? 'stop_sequence'
    : rendered.draft.tool ? 'tool_use' : 'end_turn';
  const cache = ctx.anthropicCache.account(segmentsOf(body));
  const response: MessagesResponse = {
    id: ctx.nextId('msg_'),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason,
    stop_sequence: rendered.stopSequence,
    usage: {
      input_tokens: cache.uncachedTokens,
      output_tokens: rendered.outputTokens,
      cache_creation_input_tokens: cache.creationTokens,
      cache_read_input_tokens: cache.readTokens,
      service_tier: 'standard',
    },
  };
  const usage = {
    inputTokens: cache.uncachedTokens,
    outputTokens: rendered.outputTokens,
    cacheCreationInputTokens: cache.creationTokens,
    cacheReadInputTokens: cache.readTokens,
  };
  return outcome(200, response, { model, ruleId: resolution.ruleId, usage, delayMs: resolution.delayMs });
}

/** Rules the real API enforces beyond the shape of the body. */
function checkSemantics(body: MessagesRequest): string | null {
  const toolNames = (body.tools ?? []).map((t) => t.name);
  if (new Set(toolNames).size !== toolNames.length) return 'tools: Tool names must be unique.';
  const choice = body.tool_choice;
  if (choice && choice.type !== 'auto' && choice.type !== 'none' && toolNames.length === 0) {
    return 'tool_choice: tool_choice may only be specified while providing tools.';
  }
  if (choice?.type === 'tool' && !toolNames.includes(choice.name)) return `tool_choice.name: Tool '${choice.name}' not found in provided tools`;
  const breakpoints = segmentsOf(body).filter((s) => s.breakpoint !== null).length;
  if (breakpoints > MAX_CACHE_BREAKPOINTS) return `A maximum of ${MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints}.`;
  return checkToolPairing(body.messages);
}

function checkToolPairing(messages: readonly MessageParam[]): string | null {
  for (const [i, message] of messages.entries()) {
    const blocks = typeof message.content === 'string' ? [] : message.content;
    if (message.role === 'assistant') {
      const ids = blocks.flatMap((b) => (b.type === 'tool_use' ? [b.id] : []));
      const next = messages[i + 1];
      if (ids.length === 0 || next === undefined) continue;
      const answered = new Set(typeof next.content === 'string' || next.role !== 'user' ? [] : next.content.flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : [])));
      const missing = ids.filter((id) => !answered.has(id));
      if (missing.length > 0) {
        return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
    } else {
      const previous = messages[i - 1];
      const offered = new Set(previous && previous.role === 'assistant' && typeof previous.content !== 'string'
        ? previous.content.flatMap((b) => (b.type === 'tool_use' ? [b.id] : [])) : []);
      for (const [j, block] of blocks.entries()) {
        if (block.type === 'tool_result' && !offered.has(block.tool_use_id)) {
          return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${block.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        }
      }
    }
  }
  return null;
}

function blockText(block: ContentBlock): string {
  switch (block.type) {
    case 'text': return block.text;
    case 'image': return '[image]';
    case 'tool_use': return `[tool_use ${block.name}] ${JSON.stringify(block.input)}`;
    case 'tool_result': {
      if (block.content === undefined) return '';
      if (typeof block.content === 'string') return block.content;
      return block.content.map((b) => (b.type === 'text' ? b.text : '[image]')).join('\n');
    }
  }
}

function systemText(body: MessagesRequest): string {
  if (body.system === undefined) return '';
  return typeof body.system === 'string' ? body.system : body.system.map((b) => b.text).join('\n');
}

function toScriptRequest(body: MessagesRequest, raw: unknown): ScriptRequest {
  const system = systemText(body);
  const messages = body.messages.map((m) => ({
    role: m.role,
    text: typeof m.content === 'string' ? m.content : m.content.map(blockText).join('\n'),
  }));
  return {
    provider: 'anthropic',
    model: body.model,
    text: [system, ...messages.map((m) => m.text)].filter((t) => t.length > 0).join('\n'),
    system,
    messages,
    tools: (body.tools ?? []).map((t) => ({ name: t.name, schema: t.input_schema })),
    forcedTool: body.tool_choice?.type === 'tool' ? body.tool_choice.name : undefined,
    responseFormat: undefined,
    maxTokens: body.max_tokens,
    stopSequences: body.stop_sequences ?? [],
    body: raw,
  };
}

/** The prompt in cache order (tools, system, messages), one segment per block. */
export function segmentsOf(body: MessagesRequest): CacheSegment[] {
  const segments: CacheSegment[] = [];
  const push = (text: string, cc: { ttl?: '5m' | '1h' | undefined } | null | undefined, tokens = tokenCount(text)): void => {
    segments.push({ text, tokens, breakpoint: cc ? cc.ttl ?? '5m' : null });
  };
  for (const tool of body.tools ?? []) {
    push(JSON.stringify({ name: tool.name, description: tool.description ?? '', input_schema: tool.input_schema }), tool.cache_control);
  }
  if (typeof body.system === 'string') push(body.system, null);
  else for (const block of body.system ?? []) push(block.text, block.cache_control);
  for (const message of body.messages) {
    if (typeof message.content === 'string') {
      push(`${message.role}: ${message.content}`, null);
      continue;
    }
    for (const block of message.content) {
      const text = `${message.role}: ${blockText(block)}`;
      push(text, block.cache_control, block.type === 'image' ? IMAGE_TOKENS : tokenCount(text));
    }
  }
  return segments;
}
