import { createHash } from 'node:crypto';

/** One piece of an Anthropic prompt, in the order the API caches it: tools, system, messages. */
export interface CacheSegment {
  text: string;
  tokens: number;
  breakpoint: '5m' | '1h' | null;
}

export interface CacheAccount {
  readTokens: number;
  creationTokens: number;
  uncachedTokens: number;
}

const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;

/**
 * Anthropic's explicit prompt caching: the prefix up to each `cache_control` block is a cache entry.
 * A prefix seen before (and not expired) is read; new prefixes of at least `minTokens` are written.
 */
export class AnthropicPromptCache {
  private readonly entries = new Map<string, number>();

  constructor(private readonly minTokens: number, private readonly now: () => number = Date.now) {}

  account(segments: readonly CacheSegment[]): CacheAccount {
    const total = segments.reduce((sum, s) => sum + s.tokens, 0);
    const points: Array<{ key: string; tokens: number; ttlMs: number }> = [];
    const hash = createHash('sha256');
    let tokens = 0;
    for (const segment of segments) {
      hash.update(segment.text).update('\u0000');
      tokens += segment.tokens;
      if (segment.breakpoint) points.push({ key: hash.copy().digest('hex'), tokens, ttlMs: TTL_MS[segment.breakpoint] });
    }
    const now = this.now();
    let readTokens = 0;
    for (const point of points) {
      const expires = this.entries.get(point.key);
      if (expires !== undefined && expires > now) readTokens = Math.max(readTokens, point.tokens);
    }
    let cachedUpTo = readTokens;
    for (const point of points) {
      if (point.tokens < this.minTokens) continue;
      this.entries.set(point.key, now + point.ttlMs);
      cachedUpTo = Math.max(cachedUpTo, point.tokens);
    }
    const creationTokens = cachedUpTo - readTokens;
    return { readTokens, creationTokens, uncachedTokens: total - readTokens - creationTokens };
  }
}

/**
 * OpenAI's automatic prompt caching: the longest prefix shared with a recent prompt is cached,
 * counted from `minTokens` in steps of 128 tokens.
 */
export class OpenAiPromptCache {
  private readonly recent: number[][] = [];

  constructor(private readonly minTokens: number, private readonly keep = 256) {}

  account(tokens: readonly number[]): number {
    let longest = 0;
    for (const previous of this.recent) longest = Math.max(longest, commonPrefix(previous, tokens));
    this.recent.push([...tokens]);
    if (this.recent.length > this.keep) this.recent.shift();
    const floor = Math.max(this.minTokens, 1);
    if (longest < floor) return 0;
    return this.minTokens + Math.floor((longest - this.minTokens) / 128) * 128;
  }
}

function commonPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
