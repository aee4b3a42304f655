/**
 * Markdown for text we do not control (issue titles, model explanations, test names): it must
 * not mention people, reference or close other issues, or carry HTML, links or images.
 */
const ZWSP = '\u200b';

/** Escapes text for inline Markdown on GitHub, one line at a time (line breaks are kept). */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => escapeLine(line))
    .join('\n');
}

/** Escapes text that must stay on one line (titles): line breaks become spaces. */
export function escapeInline(text: string, maxLength = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const cut = flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat;
  return escapeLine(cut);
}

function escapeLine(line: string): string {
  let out = line
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]{}()!|~]/g, (c) => `\\${c}`)
    // @mentions, #123 and GH-123 references, owner/repo#123: broken with a zero-width space.
    .replace(/@/g, `@${ZWSP}`)
    .replace(/#(?=\d)/g, `#${ZWSP}`)
    .replace(/\b(gh)-(?=\d)/gi, `$1-${ZWSP}`)
    // Bare URLs would autolink; break the scheme.
    .replace(/\b(https?|ftp):\/\//gi, `$1:${ZWSP}//`);
  // A line that starts like a heading, list, quote, rule or setext underline stays plain text.
  out = out.replace(/^(\s*)([#+=-]|\d+[.)])/, (_m, ws: string, mark: string) => `${ws}\\${mark}`);
  return out;
}

/** A code span that holds any text: the fence is longer than any backtick run inside. */
export function codeSpan(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced code block that holds any text. */
export function codeBlock(text: string, info = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text.replace(/\n$/, '')}\n${fence}`;
}
