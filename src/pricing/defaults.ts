import type { PriceTable } from './schema.js';
import { SCRIPTED_DEMO_MODEL } from '../llm/scripted.js';

/**
 * List prices of the models GlobaLLM is configured with by default or commonly pointed at, in US
 * dollars per million tokens, as published by Anthropic and OpenAI on the date below. Override or
 * extend them with GLOBALLM_PRICES_FILE.
 */
export const DEFAULT_PRICES: PriceTable = {
  date: '2025-11-01',
  models: {
    'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
    'claude-sonnet-4-5': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    'claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
    'gpt-4o-mini': { input: 0.15, output: 0.6, cacheRead: 0.075 },
    'gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25 },
    'gpt-4.1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1 },
    'gpt-4.1': { input: 2, output: 8, cacheRead: 0.5 },
    // `globallm up --demo`: the LLM stand-in answering from a script (src/llm/scripted.ts) costs nothing.
    [SCRIPTED_DEMO_MODEL]: { input: 0, output: 0 },
  },
};
