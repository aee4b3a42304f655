import type { AnthropicPromptCache, OpenAiPromptCache } from './prompt-cache.js';
import type { ScriptBook } from './script.js';
import type { StoredCompletions } from './stored.js';
import type { WireUsage } from './schema.js';

/** What a protocol handler needs from the server it runs in. */
export interface ProviderContext {
  script: ScriptBook;
  anthropicCache: AnthropicPromptCache;
  openAiCache: OpenAiPromptCache;
  nextId: (prefix: string) => string;
  /** Completions requested with `store: true`, for the list endpoint. */
  stored: StoredCompletions;
  /** When set, only this key is accepted; otherwise any non-empty key is. */
  apiKey: string | undefined;
  /** When set, other model names answer 404 like an unknown model does. */
  models: readonly string[] | undefined;
}

/** A handler's decision: a reply (maybe after a delay), or no reply at all (`hang`). */
export interface Outcome {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  hang: boolean;
  delayMs: number;
  model: string | undefined;
  ruleId: string | null;
  usage: WireUsage | null;
  error: string | null;
}

export function outcome(status: number, body: unknown, fields: Partial<Omit<Outcome, 'status' | 'body'>> = {}): Outcome {
  return {
    status, body,
    headers: fields.headers ?? {},
    hang: fields.hang ?? false,
    delayMs: fields.delayMs ?? 0,
    model: fields.model,
    ruleId: fields.ruleId ?? null,
    usage: fields.usage ?? null,
    error: fields.error ?? null,
  };
}

/** The shape both protocols render an answer from: some text, maybe one tool call. */
export interface Draft {
  text: string | null;
  tool: { name: string; input: Record<string, unknown> } | null;
}
