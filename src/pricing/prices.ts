import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { z } from 'zod';
import { UsageError } from '../errors.js';
import type { TokenUsage } from '../budget/types.js';
import { DEFAULT_PRICES } from './defaults.js';
import { PriceFile, type ModelPrice, type PriceTable } from './schema.js';

const SETTING = 'GLOBALLM_PRICES_FILE';

function describe(err: z.ZodError): string {
  return err.issues.map((i) => {
    const key = i.code === 'unrecognized_keys' ? [...i.path, ...i.keys].join('.') : i.path.join('.');
    return `${key || '(file)'}: ${i.message}`;
  }).join('; ');
}

function readPriceFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${SETTING}=${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  try {
    return extname(file).toLowerCase() === '.toml' ? parseToml(text) : JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${SETTING}=${file}: not valid ${extname(file).toLowerCase() === '.toml' ? 'TOML' : 'JSON'} (${(err as Error).message.split('\n')[0] ?? ''})`);
  }
}

/** The default table, with the models (and date) of the price file laid over it; a bad file names the key. */
export function loadPrices(file: string | undefined): PriceTable {
  if (file === undefined) return DEFAULT_PRICES;
  const parsed = PriceFile.safeParse(readPriceFile(file));
  if (!parsed.success) throw new UsageError(`${SETTING}=${file}: ${describe(parsed.error)}`);
  return { date: parsed.data.date ?? DEFAULT_PRICES.date, models: { ...DEFAULT_PRICES.models, ...parsed.data.models } };
}

/** `claude-haiku-4-5-20251001` and `gpt-4o-mini-2024-07-18` are priced as their undated names. */
function undated(model: string): string {
  return model.replace(/-(\d{8}|\d{4}-\d{2}-\d{2})$/, '');
}

/** The price of a model, or a UsageError naming the key to add to the price file. */
export function priceFor(table: PriceTable, model: string): ModelPrice {
  const price = table.models[model] ?? table.models[undated(model)];
  if (price) return price;
  throw new UsageError(`no price for model "${model}": add models."${undated(model)}" (input, output in USD per million tokens) to the file named by ${SETTING}`);
}

/** What a call's usage cost in US dollars. */
export function costUsd(price: ModelPrice, usage: TokenUsage): number {
  const perToken = (perMillion: number): number => perMillion / 1_000_000;
  return usage.inputTokens * perToken(price.input)
    + usage.outputTokens * perToken(price.output)
    + usage.cacheReadTokens * perToken(price.cacheRead ?? price.input)
    + usage.cacheWriteTokens * perToken(price.cacheWrite ?? price.input);
}

/**
 * The most a call of `tokens` tokens, `outputTokens` of them output, can cost: the output at the
 * output price, the rest at the dearest of the input, cache-read and cache-write prices. Without
 * `outputTokens`, every token at the dearest price of all.
 */
export function maxCostUsd(price: ModelPrice, tokens: number, outputTokens?: number): number {
  const input = Math.max(price.input, price.cacheRead ?? price.input, price.cacheWrite ?? price.input);
  if (outputTokens === undefined) return (tokens * Math.max(input, price.output)) / 1_000_000;
  return ((tokens - outputTokens) * input + outputTokens * price.output) / 1_000_000;
}

/** The model every call of this process is charged at, with its price (undefined: no model configured). */
export interface CallPricing {
  model: string;
  price: ModelPrice;
}
