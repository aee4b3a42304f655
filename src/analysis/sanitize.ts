import { decode, encode } from 'gpt-tokenizer';

/** Characters no issue text needs: C0/C1 controls (except tab and newline), zero-width and bidi controls, BOM, replacement char. */
const JUNK = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufffd\ufff9-\ufffb]/g;
/** Lone UTF-16 surrogates, left behind by binary bytes decoded as text. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Tokenizer control sequences such as `<|endoftext|>`: never meaningful in an issue, a classic injection carrier. */
const SPECIAL_TOKEN = /<\|[A-Za-z0-9_]{1,40}\|>/g;

/**
 * Removes HTML comments (hidden in rendered Markdown, so a favourite place for prompt injection).
 * An unterminated `<!--` hides everything after it, so that is removed too. Linear in the input.
 */
export function stripHtmlComments(text: string): string {
  let out = '';
  let pos = 0;
  for (;;) {
    const start = text.indexOf('<!--', pos);
    if (start < 0) return out + text.slice(pos);
    out += text.slice(pos, start);
    const end = text.indexOf('-->', start + 4);
    if (end < 0) return out;
    pos = end + 3;
  }
}

/** Cleans untrusted issue text: newlines normalised, HTML comments, control/invisible characters and binary junk removed. */
export function sanitizeIssueText(text: string): string {
  const cleaned = stripHtmlComments(text.replace(/\r\n?/g, '\n'))
    .replace(LONE_SURROGATE, '')
    .replace(JUNK, '')
    .replace(SPECIAL_TOKEN, '')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n');
  return cleaned.trim();
}

export interface CappedText {
  text: string;
  tokens: number;
  truncated: boolean;
}

const NO_SPECIAL = { disallowedSpecial: new Set<string>() };

/**
 * Cuts text to at most `maxTokens` tokens (o200k encoding, as counted by gpt-tokenizer).
 * Only a prefix a few times the cap is encoded, so a multi-megabyte body costs no more than a short one.
 */
export function capTokens(text: string, maxTokens: number): CappedText {
  if (!Number.isInteger(maxTokens) || maxTokens < 0) throw new RangeError('maxTokens must be a non-negative integer');
  let window = Math.max(64, maxTokens * 8);
  for (;;) {
    const slice = text.slice(0, window);
    const tokens = encode(slice, NO_SPECIAL);
    if (tokens.length > maxTokens) {
      const cut = decode(tokens.slice(0, maxTokens)).replace(/\ufffd+$/, '');
      return { text: cut, tokens: Math.min(maxTokens, encode(cut, NO_SPECIAL).length), truncated: true };
    }
    if (window >= text.length) return { text, tokens: tokens.length, truncated: false };
    window *= 2;
  }
}

/** Sanitises then caps issue text: what any analyzer (and any prompt) should see of an issue. */
export function prepareIssueText(text: string, maxTokens: number): CappedText {
  return capTokens(sanitizeIssueText(text), maxTokens);
}
