import type { TokenUsage } from '../../budget/types.js';
import type { ModelCallContext } from '../generate/call.js';
import { ZERO_USAGE } from '../../llm/types.js';

/** What a step needs to call the model: the provider, the budget it charges and the scopes charged. */
export type ModelAccess = Omit<ModelCallContext, 'onUsage'>;

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens, cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  };
}

/** A model-call context that totals the usage of every call made through it. */
export function meteredContext(access: ModelAccess): { ctx: ModelCallContext; usage: () => TokenUsage } {
  let total = ZERO_USAGE;
  return { ctx: { ...access, onUsage: (u) => { total = addUsage(total, u); } }, usage: () => total };
}
