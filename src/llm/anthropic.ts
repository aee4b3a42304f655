import Anthropic from '@anthropic-ai/sdk';
import type { TokenUsage } from '../budget/types.js';
import { anthropicCacheMinimum } from './cache-minimum.js';
import { estimatePrefixTokens, estimateToolCallInput } from './estimate.js';
import { mapApiError } from './errors.js';
import { ModelRefusal, type LlmProvider, type StopReason, type ToolCallRequest, type ToolCallResult } from './types.js';

export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-4-5';

export interface AnthropicProviderOptions {
  apiKey: string;
  baseURL?: string | undefined;
  model?: string | undefined;
  /** SDK-level retries for brief faults; long waits belong to Temporal. */
  maxRetries?: number;
  timeoutMs?: number;
}

function usageOf(u: Anthropic.Usage): TokenUsage {
  return {
    inputTokens: u.input_tokens,
    outputTokens: u.output_tokens,
    cacheReadTokens: u.cache_read_input_tokens ?? 0,
    cacheWriteTokens: u.cache_creation_input_tokens ?? 0,
  };
}

function stopReasonOf(reason: Anthropic.StopReason | null): StopReason {
  switch (reason) {
    case 'tool_use': return 'tool_use';
    case 'max_tokens':
    case 'model_context_window_exceeded': return 'max_tokens';
    case 'end_turn': return 'end_turn';
    case 'refusal': return 'refusal';
    default: return 'other';
  }
}

export function mapAnthropicError(err: unknown): Error {
  if (!(err instanceof Anthropic.APIError)) return err instanceof Error ? err : new Error(String(err));
  return mapApiError('anthropic', {
    status: typeof err.status === 'number' ? err.status : undefined,
    headers: err.headers instanceof Headers ? err.headers : undefined,
    message: err.message,
    aborted: err instanceof Anthropic.APIUserAbortError,
    connection: err instanceof Anthropic.APIConnectionError,
  }, err);
}

/** The Anthropic Messages API: one forced tool call, the system text a cached block. */
export class AnthropicProvider implements LlmProvider {
  readonly name = 'anthropic';
  readonly model: string;
  private readonly client: Anthropic;

  constructor(options: AnthropicProviderOptions) {
    this.model = options.model ?? DEFAULT_ANTHROPIC_MODEL;
    this.client = new Anthropic({
      apiKey: options.apiKey,
      ...(options.baseURL !== undefined ? { baseURL: options.baseURL } : {}),
      maxRetries: options.maxRetries ?? 2,
      timeout: options.timeoutMs ?? 120_000,
    });
  }

  /** Marks the tools + system prefix for caching only when it reaches the model's minimum. */
  private cacheable(request: ToolCallRequest): boolean {
    return estimatePrefixTokens(request) >= anthropicCacheMinimum(this.model);
  }

  estimateInputTokens(request: ToolCallRequest): number {
    return estimateToolCallInput(request);
  }

  async callTool(request: ToolCallRequest): Promise<ToolCallResult> {
    let message: Anthropic.Message;
    try {
      message = await this.client.messages.create({
        model: this.model,
        max_tokens: request.maxTokens,
        system: [{ type: 'text', text: request.system, ...(this.cacheable(request) ? { cache_control: { type: 'ephemeral' as const } } : {}) }],
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
        tools: [{ name: request.tool.name, description: request.tool.description, input_schema: { type: 'object', ...request.tool.inputSchema } }],
        tool_choice: { type: 'tool', name: request.tool.name },
      }, request.signal ? { signal: request.signal } : undefined);
    } catch (err) {
      throw mapAnthropicError(err);
    }
    const usage = usageOf(message.usage);
    const stopReason = stopReasonOf(message.stop_reason);
    if (stopReason === 'refusal') {
      const text = message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join(' ').trim();
      throw new ModelRefusal(`model refused${text ? `: ${text.slice(0, 300)}` : ''}`, usage, message.model);
    }
    const block = message.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use' && b.name === request.tool.name);
    return { input: block?.input, stopReason, usage, model: message.model, provider: 'anthropic' };
  }
}
