import { decode, encode } from 'gpt-tokenizer';

// Special-token strings inside untrusted text are counted as plain text, never rejected.
const plain = { disallowedSpecial: new Set<string>() };

export function encodeText(text: string): number[] {
  return text.length === 0 ? [] : encode(text, plain);
}

export function tokenCount(text: string): number {
  return encodeText(text).length;
}

/** The longest prefix of `text` that fits in `max` tokens. */
export function truncateToTokens(text: string, max: number): string {
  const ids = encodeText(text);
  return ids.length <= max ? text : decode(ids.slice(0, Math.max(0, max)));
}

/** Text of exactly `count` tokens (or as close as the tokenizer allows), starting with `seed` repeated as needed. */
export function textOfTokens(seed: string, count: number): string {
  const base = seed.length > 0 ? seed : 'The quick brown fox jumps over the lazy dog. ';
  let text = base;
  while (tokenCount(text) < count) text += base;
  return truncateToTokens(text, count);
}
