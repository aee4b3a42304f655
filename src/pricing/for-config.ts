import type { Config } from '../config/load.js';
import { createLlmProvider } from '../llm/registry.js';
import { loadPrices, priceFor, type CallPricing } from './prices.js';

/**
 * The price of the model this configuration calls, checked at start-up so an unknown model or a
 * malformed price file stops the worker with the key named, before any call is made.
 */
export function pricingFor(config: Config): CallPricing | undefined {
  const prices = loadPrices(config.GLOBALLM_PRICES_FILE);
  const model = createLlmProvider(config)?.model;
  return model === undefined ? undefined : { model, price: priceFor(prices, model) };
}
