import type { TokenUsage } from './types.js';

const FIELDS = ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens'] as const;

/** `total` split into whole numbers proportional to `weights` (largest remainder), summing to `total` exactly. */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, w) => a + w, 0);
  if (weights.length === 0) return [];
  if (sum <= 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, n) => a + n, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i] = (out[i] ?? 0) + 1;
    left--;
  }
  return out;
}

/** One call's usage shared among the parties it was made for, each field by `weights`; the parts add up to the whole. */
export function splitUsage(usage: TokenUsage, weights: readonly number[]): TokenUsage[] {
  const parts = FIELDS.map((f) => apportion(usage[f], weights));
  return weights.map((_, i) => ({
    inputTokens: parts[0]?.[i] ?? 0, outputTokens: parts[1]?.[i] ?? 0, cacheReadTokens: parts[2]?.[i] ?? 0, cacheWriteTokens: parts[3]?.[i] ?? 0,
  }));
}
