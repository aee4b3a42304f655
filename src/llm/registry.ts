import { UsageError } from '../errors.js';
import { AnthropicProvider } from './anthropic.js';
import { OpenAiProvider } from './openai.js';
import type { StoredUsageLookup } from '../budget/types.js';
import type { LlmProvider } from './types.js';

/** The configuration keys the providers read (a subset of the loaded Config). */
export interface LlmConfig {
  ANTHROPIC_API_KEY?: string | undefined;
  ANTHROPIC_BASE_URL?: string | undefined;
  OPENAI_API_KEY?: string | undefined;
  OPENAI_BASE_URL?: string | undefined;
  GLOBALLM_ANTHROPIC_MODEL?: string | undefined;
  GLOBALLM_OPENAI_MODEL?: string | undefined;
  /** Picks one provider when both are configured; Anthropic wins otherwise. */
  GLOBALLM_LLM_PROVIDER?: 'anthropic' | 'openai' | undefined;
  /** Whether the OpenAI endpoint keeps stored completions (`auto`: only api.openai.com does). */
  GLOBALLM_OPENAI_STORE_COMPLETIONS?: 'auto' | 'true' | 'false' | undefined;
}

/** Whether OpenAI calls are sent with `store: true` and their hold in metadata (see GLOBALLM_OPENAI_STORE_COMPLETIONS). */
export function openAiStoresCompletions(c: LlmConfig): boolean {
  const setting = c.GLOBALLM_OPENAI_STORE_COMPLETIONS ?? 'auto';
  if (setting !== 'auto') return setting === 'true';
  return c.OPENAI_BASE_URL === undefined || new URL(c.OPENAI_BASE_URL).hostname === 'api.openai.com';
}

export interface ProviderTuning {
  maxRetries?: number;
  timeoutMs?: number;
}

function anthropicConfigured(c: LlmConfig): boolean {
  return c.ANTHROPIC_API_KEY !== undefined || c.ANTHROPIC_BASE_URL !== undefined;
}

function openAiConfigured(c: LlmConfig): boolean {
  return c.OPENAI_API_KEY !== undefined || c.OPENAI_BASE_URL !== undefined;
}

/** Whether any model provider is configured. */
export function llmConfigured(c: LlmConfig): boolean {
  return anthropicConfigured(c) || openAiConfigured(c);
}

/**
 * The provider the configuration names: Anthropic when its key or base URL is set, else an
 * OpenAI-compatible server when its key or base URL is set, else undefined. A base URL without
 * a key (a local server) gets a placeholder key.
 */
export function createLlmProvider(config: LlmConfig, tuning: ProviderTuning = {}): LlmProvider | undefined {
  const wanted = config.GLOBALLM_LLM_PROVIDER;
  const useAnthropic = wanted === 'anthropic' || (wanted === undefined && anthropicConfigured(config));
  const useOpenAi = wanted === 'openai' || (wanted === undefined && !useAnthropic && openAiConfigured(config));
  if (useAnthropic) {
    if (!anthropicConfigured(config)) throw new UsageError('GLOBALLM_LLM_PROVIDER=anthropic needs ANTHROPIC_API_KEY or ANTHROPIC_BASE_URL');
    return new AnthropicProvider({
      apiKey: config.ANTHROPIC_API_KEY ?? 'no-key',
      baseURL: config.ANTHROPIC_BASE_URL,
      model: config.GLOBALLM_ANTHROPIC_MODEL,
      ...tuning,
    });
  }
  if (useOpenAi) {
    if (!openAiConfigured(config)) throw new UsageError('GLOBALLM_LLM_PROVIDER=openai needs OPENAI_API_KEY or OPENAI_BASE_URL');
    return new OpenAiProvider({
      apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL, model: config.GLOBALLM_OPENAI_MODEL, storeCompletions: openAiStoresCompletions(config), ...tuning,
    });
  }
  return undefined;
}

/**
 * Where the budget asks what a call whose answer was lost was billed: the OpenAI provider when it
 * is the one configured and its endpoint stores completions; undefined otherwise (Anthropic has no
 * per-request usage lookup), and such holds are charged whole.
 */
export function storedUsageLookup(config: LlmConfig): StoredUsageLookup | undefined {
  const provider = createLlmProvider(config);
  return provider instanceof OpenAiProvider && openAiStoresCompletions(config) ? provider : undefined;
}
