import { countTokens } from 'gpt-tokenizer';
import type { ToolCallRequest } from './types.js';

/** Tokens the chat formats add around each message and the tool definition (a generous round figure). */
const PER_MESSAGE_OVERHEAD = 8;
const REQUEST_OVERHEAD = 16;

const plain = { disallowedSpecial: new Set<string>() };

export function tokensOf(text: string): number {
  return text.length === 0 ? 0 : countTokens(text, plain);
}

/**
 * Input tokens a forced tool call will cost, counted with the o200k tokenizer: the tool definition,
 * the system text and each message. Tokenizers differ between vendors by a few percent, so this is
 * an estimate for sizing a budget reservation, never a charge.
 */
export function estimateToolCallInput(request: ToolCallRequest): number {
  const messages = request.messages.reduce((sum, m) => sum + tokensOf(m.content) + PER_MESSAGE_OVERHEAD, 0);
  return estimatePrefixTokens(request) + PER_MESSAGE_OVERHEAD + messages;
}

/** Tokens of the part every call with the same tool and system shares: what a prompt cache can hold. */
export function estimatePrefixTokens(request: Pick<ToolCallRequest, 'tool' | 'system'>): number {
  const tool = tokensOf(JSON.stringify({ name: request.tool.name, description: request.tool.description, input_schema: request.tool.inputSchema }));
  return REQUEST_OVERHEAD + tool + tokensOf(request.system);
}
