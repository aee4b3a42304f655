/**
 * The shortest prefix (tools + system, in tokens) Anthropic caches for a model; a `cache_control`
 * mark on anything shorter is ignored, so it is only set where it can apply. Unknown models get
 * the largest minimum.
 */
const MINIMUMS: ReadonlyArray<readonly [RegExp, number]> = [
  [/opus-4-[56]|haiku-4-5/, 4096],
  [/haiku-3/, 2048],
  [/sonnet-(3-[57]|4)|opus-4(-1)?\b|opus-3/, 1024],
];
export const UNKNOWN_MODEL_CACHE_MINIMUM = 4096;

export function anthropicCacheMinimum(model: string): number {
  const id = model.toLowerCase();
  for (const [pattern, tokens] of MINIMUMS) if (pattern.test(id)) return tokens;
  return UNKNOWN_MODEL_CACHE_MINIMUM;
}
