import type { IssueAnalyzer } from './types.js';
import { OfflineAnalyzer } from './offline/analyzer.js';
import { LlmIssueAnalyzer } from './llm/analyzer.js';
import type { LlmProvider } from '../llm/types.js';
import type { TokenBudget } from '../budget/types.js';

const offline = new OfflineAnalyzer();
export const NO_MODEL_NOTE = 'no model configured: issues analyzed by the offline analyzer; the fix stage needs a model (set ANTHROPIC_API_KEY, or OPENAI_BASE_URL for a local model)';

/**
 * The analyzer for a campaign: `offline` always works; `llm` and `auto` use the configured model
 * (every call charged to the shared token budget) and fall back to the offline analyzer, saying so.
 */
export function selectAnalyzer(kind: 'offline' | 'llm' | 'auto', deps: { llm: LlmProvider | undefined; budget: TokenBudget }): { analyzer: IssueAnalyzer; note?: string } {
  if (kind === 'offline') return { analyzer: offline };
  if (!deps.llm) return { analyzer: offline, note: NO_MODEL_NOTE };
  return { analyzer: new LlmIssueAnalyzer({ provider: deps.llm, budget: deps.budget, fallback: offline }) };
}
