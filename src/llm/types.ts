import { InvalidModelOutput } from '../errors.js';
import type { TokenUsage } from '../budget/types.js';

export type LlmProviderName = 'anthropic' | 'openai';

/** One tool the model is made to call; its input is the model's whole answer. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON schema of the tool input (type: object). */
  inputSchema: Record<string, unknown>;
}

export interface LlmMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface ToolCallRequest {
  /** Instructions shared by every call of a kind: sent first and marked for prompt caching. */
  system: string;
  messages: LlmMessage[];
  tool: ToolSpec;
  maxTokens: number;
  signal?: AbortSignal;
  /**
   * The budget hold the call is charged to. A provider that stores completions tags the call with
   * it, so a hold whose answer was lost can later be charged exactly what the provider billed.
   */
  reservationId?: string;
}

/** Why the model stopped, in one vocabulary for every provider. */
export type StopReason = 'tool_use' | 'max_tokens' | 'end_turn' | 'refusal' | 'other';

export interface ToolCallResult {
  /** The tool input as parsed JSON; undefined when the model sent none or sent text that does not parse. */
  input: unknown;
  /** The raw tool arguments when they did not parse as JSON (cut short by max_tokens, usually). */
  rawInput?: string;
  stopReason: StopReason;
  usage: TokenUsage;
  model: string;
  provider: LlmProviderName;
}

/** What the core asks of a model API: one forced tool call, with the usage the API charged. */
export interface LlmProvider {
  readonly name: LlmProviderName;
  readonly model: string;
  callTool(request: ToolCallRequest): Promise<ToolCallResult>;
  /** Input tokens the request will be charged, counted locally; add `maxTokens` for a reservation's upper bound. */
  estimateInputTokens(request: ToolCallRequest): number;
}

/** The model declined to answer. The API still charged for the call: `usage` says how much. */
export class ModelRefusal extends InvalidModelOutput {
  constructor(message: string, readonly usage: TokenUsage, readonly model: string) {
    super(message);
  }
}

export const ZERO_USAGE: TokenUsage = Object.freeze({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
