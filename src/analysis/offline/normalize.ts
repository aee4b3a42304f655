/**
 * Turns raw issue text into a classifier-friendly string: lower case, with code blocks, URLs, stack
 * traces, paths, versions and numbers replaced by placeholder words, and Markdown headings (issue-template
 * sections, strong signals) kept as `hdr_<words>` tokens.
 */
const FENCED = /```[\s\S]*?(```|$)/g;
const INLINE_CODE = /`[^`\n]{1,200}`/g;
const URL = /\bhttps?:\/\/\S+/g;
const TRACE_LINE = /^\s*(at\s+\S.*\(?\S+:\d+(:\d+)?\)?|File ".*", line \d+.*|#\d+\s+0x[0-9a-f]+.*|Traceback \(most recent call last\):.*)$/gim;
const VERSION = /\bv?\d+(\.\d+){1,3}([-.+][0-9a-z.]+)?\b/g;
const HEX = /\b0x[0-9a-f]+\b|\b[0-9a-f]{12,40}\b/g;
const PATH = /(?:[\w.-]+\/)+[\w.-]+\.\w{1,5}\b/g;
const NUMBER = /\b\d+\b/g;

function headingToken(line: string): string {
  const words = line.replace(/^#+/, '').toLowerCase().match(/[a-z]+/g) ?? [];
  return words.length ? ` hdr_${words.slice(0, 4).join('_')} ` : ' ';
}

export function normalizeIssueText(text: string): string {
  const withHeadings = text.replace(/^#{1,6}\s+.+$/gm, (h) => `${headingToken(h)}\n`)
    .replace(/^\*\*([^*\n]{1,60})\*\*:?\s*$/gm, (_m, h: string) => `${headingToken(h)}\n`);
  return withHeadings
    .replace(FENCED, ' xcodeblock ')
    .replace(TRACE_LINE, ' xtrace ')
    .replace(URL, ' xurl ')
    .replace(INLINE_CODE, ' xinlinecode ')
    .toLowerCase()
    .replace(PATH, ' xpath ')
    .replace(VERSION, ' xversion ')
    .replace(HEX, ' xhex ')
    .replace(NUMBER, ' xnum ');
}

/** Word tokens of normalised text (letters, digits, underscores, apostrophes inside words). */
export function wordTokens(normalized: string): string[] {
  return normalized.match(/[a-z_][a-z0-9_']*|\?/g) ?? [];
}
