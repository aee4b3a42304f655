import type { BudgetScopes, TokenBudget, TokenUsage } from '../../budget/types.js';
import { ModelRefusal, type LlmProvider, type ToolCallRequest, type ToolCallResult } from '../../llm/types.js';

export interface ModelCallContext {
  llm: LlmProvider;
  budget: TokenBudget;
  scopes: BudgetScopes;
  signal?: AbortSignal | undefined;
  /** Told of every charged call, so the caller can total usage. */
  onUsage?: (usage: TokenUsage, purpose: string) => void;
}

/**
 * One forced tool call charged to the token budget: reserves the estimated input plus
 * `maxTokens`, settles with the usage the API reported, or releases the hold when the call failed
 * before anything was charged (a refusal is charged: its usage comes with the error; a call
 * cancelled in flight is charged its whole hold).
 */
export async function budgetedToolCall(ctx: ModelCallContext, request: Omit<ToolCallRequest, 'signal'>, purpose: string): Promise<ToolCallResult> {
  const full: ToolCallRequest = { ...request, ...(ctx.signal ? { signal: ctx.signal } : {}) };
  const estimate = ctx.llm.estimateInputTokens(full) + request.maxTokens;
  const reservation = await ctx.budget.reserve({ tokens: estimate, outputTokens: request.maxTokens, scopes: ctx.scopes, purpose });
  let result: ToolCallResult;
  try {
    result = await ctx.llm.callTool({ ...full, reservationId: reservation.id });
  } catch (err) {
    if (err instanceof ModelRefusal) {
      await ctx.budget.settle(reservation.id, err.usage);
      ctx.onUsage?.(err.usage, purpose);
    } else if (ctx.signal?.aborted) {
      // Cancelled in flight: the provider goes on and bills the call, so the whole hold is charged.
      const held: TokenUsage = { inputTokens: estimate - request.maxTokens, outputTokens: request.maxTokens, cacheReadTokens: 0, cacheWriteTokens: 0 };
      await ctx.budget.settle(reservation.id, held);
      ctx.onUsage?.(held, purpose);
    } else {
      await ctx.budget.release(reservation.id);
    }
    throw err;
  }
  await ctx.budget.settle(reservation.id, result.usage);
  ctx.onUsage?.(result.usage, purpose);
  return result;
}
