import OpenAI from 'openai';
import { z } from 'zod';
import type { StoredUsageLookup, TokenUsage } from '../budget/types.js';
import { estimateToolCallInput } from './estimate.js';
import { mapApiError } from './errors.js';
import { ModelRefusal, ZERO_USAGE, type LlmProvider, type StopReason, type ToolCallRequest, type ToolCallResult } from './types.js';

export const DEFAULT_OPENAI_MODEL = 'gpt-4o-mini';
/** Sent when a local OpenAI-compatible server needs no key: the SDK insists on one. */
export const PLACEHOLDER_API_KEY = 'no-key';

export interface OpenAiProviderOptions {
  apiKey?: string | undefined;
  baseURL?: string | undefined;
  model?: string | undefined;
  maxRetries?: number;
  timeoutMs?: number;
  /** Send each budgeted call with `store: true` and its hold in metadata, so its usage can be looked up later. */
  storeCompletions?: boolean;
}

/** The metadata key that names a call's budget hold on a stored completion. */
export const RESERVATION_METADATA_KEY = 'globallm_reservation';

const Count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** What a stored completion must carry to be charged: its id, its hold and the usage billed. */
const StoredCompletionSchema = z.object({
  id: z.string().min(1),
  metadata: z.record(z.string(), z.string()).nullish(),
  usage: z.object({
    prompt_tokens: Count,
    completion_tokens: Count,
    prompt_tokens_details: z.object({ cached_tokens: Count.nullish() }).nullish(),
  }),
});

function usageOf(u: OpenAI.CompletionUsage | undefined): TokenUsage {
  if (!u) return { ...ZERO_USAGE };
  const cached = Math.min(u.prompt_tokens_details?.cached_tokens ?? 0, u.prompt_tokens);
  return { inputTokens: u.prompt_tokens - cached, outputTokens: u.completion_tokens, cacheReadTokens: cached, cacheWriteTokens: 0 };
}

function stopReasonOf(reason: string | null | undefined): StopReason {
  switch (reason) {
    case 'tool_calls':
    case 'function_call': return 'tool_use';
    case 'length': return 'max_tokens';
    case 'stop': return 'end_turn';
    case 'content_filter': return 'refusal';
    default: return 'other';
  }
}

export function mapOpenAiError(err: unknown): Error {
  if (!(err instanceof OpenAI.APIError)) return err instanceof Error ? err : new Error(String(err));
  return mapApiError('openai', {
    status: typeof err.status === 'number' ? err.status : undefined,
    headers: err.headers instanceof Headers ? err.headers : undefined,
    message: err.message,
    aborted: err instanceof OpenAI.APIUserAbortError,
    connection: err instanceof OpenAI.APIConnectionError,
  }, err);
}

/** OpenAI chat completions (or any compatible server): one function tool, forced with tool_choice. */
export class OpenAiProvider implements LlmProvider, StoredUsageLookup {
  readonly name = 'openai';
  readonly model: string;
  private readonly client: OpenAI;
  private readonly storeCompletions: boolean;

  constructor(options: OpenAiProviderOptions) {
    this.model = options.model ?? DEFAULT_OPENAI_MODEL;
    this.storeCompletions = options.storeCompletions ?? false;
    this.client = new OpenAI({
      apiKey: options.apiKey ?? PLACEHOLDER_API_KEY,
      ...(options.baseURL !== undefined ? { baseURL: options.baseURL } : {}),
      maxRetries: options.maxRetries ?? 2,
      timeout: options.timeoutMs ?? 120_000,
    });
  }

  /** What the provider billed for the completions stored under this hold (StoredUsageLookup). */
  storedUsage(reservationId: string): Promise<{ usage: TokenUsage; calls: number }> {
    return storedUsageOf(this.client, reservationId);
  }

  estimateInputTokens(request: ToolCallRequest): number {
    return estimateToolCallInput(request);
  }

  async callTool(request: ToolCallRequest): Promise<ToolCallResult> {
    let completion: OpenAI.ChatCompletion;
    try {
      completion = await this.client.chat.completions.create({
        model: this.model,
        // max_tokens rather than max_completion_tokens: every compatible server understands it.
        max_tokens: request.maxTokens,
        messages: [{ role: 'system', content: request.system }, ...request.messages.map((m) => ({ role: m.role, content: m.content }))],
        tools: [{ type: 'function', function: { name: request.tool.name, description: request.tool.description, parameters: request.tool.inputSchema } }],
        tool_choice: { type: 'function', function: { name: request.tool.name } },
        ...(this.storeCompletions && request.reservationId !== undefined ? { store: true, metadata: { [RESERVATION_METADATA_KEY]: request.reservationId } } : {}),
      }, request.signal ? { signal: request.signal } : undefined);
    } catch (err) {
      throw mapOpenAiError(err);
    }
    const usage = usageOf(completion.usage);
    const choice = completion.choices[0];
    const stopReason = stopReasonOf(choice?.finish_reason);
    const refusal = choice?.message.refusal;
    if (stopReason === 'refusal' || (refusal !== undefined && refusal !== null && refusal !== '')) {
      throw new ModelRefusal(`model refused${refusal ? `: ${refusal.slice(0, 300)}` : ' (content filter)'}`, usage, completion.model);
    }
    const call = choice?.message.tool_calls?.find((c) => c.type === 'function' && c.function.name === request.tool.name);
    const base = { stopReason, usage, model: completion.model, provider: 'openai' as const };
    if (!call || call.type !== 'function') return { ...base, input: undefined };
    try {
      return { ...base, input: JSON.parse(call.function.arguments) as unknown };
    } catch {
      return { ...base, input: undefined, rawInput: call.function.arguments };
    }
  }
}

/**
 * The usage of every stored completion tagged with the hold, summed. Each item is validated: one
 * that lacks usage or names another hold makes the whole answer untrustworthy, so it throws.
 */
export async function storedUsageOf(client: OpenAI, reservationId: string): Promise<{ usage: TokenUsage; calls: number }> {
  const total: TokenUsage = { ...ZERO_USAGE };
  let calls = 0;
  try {
    for await (const item of client.chat.completions.list({ metadata: { [RESERVATION_METADATA_KEY]: reservationId }, limit: 100 })) {
      const c = StoredCompletionSchema.safeParse(item);
      if (!c.success) throw new Error(`a stored completion did not validate: ${c.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      if (c.data.metadata?.[RESERVATION_METADATA_KEY] !== reservationId) throw new Error(`stored completion ${c.data.id} does not carry hold ${reservationId}`);
      const u = usageOf({ ...c.data.usage, total_tokens: c.data.usage.prompt_tokens + c.data.usage.completion_tokens, prompt_tokens_details: { cached_tokens: c.data.usage.prompt_tokens_details?.cached_tokens ?? 0 } });
      total.inputTokens += u.inputTokens;
      total.outputTokens += u.outputTokens;
      total.cacheReadTokens += u.cacheReadTokens;
      calls += 1;
    }
  } catch (err) {
    throw mapOpenAiError(err);
  }
  return { usage: total, calls };
}
