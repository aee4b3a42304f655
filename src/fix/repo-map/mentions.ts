/** What an issue names: identifiers (code words) and paths, read from its untrusted text. */
export interface IssueMentions {
  identifiers: string[];
  paths: string[];
  /** Lower-case plain words, for file-name similarity. */
  words: string[];
  /** The words of the first line (the issue's title), which name what it is about most reliably. */
  titleWords: string[];
}

const STOP = new Set(['the', 'and', 'for', 'with', 'that', 'this', 'when', 'from', 'have', 'should', 'would', 'returns', 'return', 'error', 'none', 'true', 'false', 'null', 'not', 'but', 'are', 'was', 'bug', 'issue', 'fix', 'expected', 'actual', 'instead', 'python', 'function', 'test', 'tests', 'spec']);
const PATH = /(?:^|[\s`'"(])((?:[\w.-]+\/)*[\w-]+\.[A-Za-z]{1,5})(?=$|[\s`'"):,;])/g;
const CODE_SPAN = /`([^`\n]{1,200})`/g;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;

/** Hex runs with digits (hashes, ids in image URLs) are not code words. */
function hashLike(word: string): boolean {
  return /\d/.test(word) && /^[0-9a-f]+$/i.test(word);
}

function codeLike(word: string): boolean {
  if (hashLike(word)) return false;
  return /[a-z][A-Z]|_|^[A-Z][a-z]+[A-Z]/.test(word) || /\d/.test(word.slice(1));
}

const URL_RE = /\bhttps?:\/\/\S+/g;

function plainWords(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.toLowerCase().matchAll(/[a-z][a-z0-9]{2,}/g)) if (!STOP.has(m[0]) && !hashLike(m[0])) out.add(m[0]);
  return [...out];
}

/**
 * The issue's own words without the scaffolding of an issue template: headings, bold-only
 * lines, `<summary>` captions, HTML tags with their attributes, and the keys of `Key: value`
 * lines ("Language: CSS" keeps "CSS"). Template words are the same in every issue of a
 * repository, so they say nothing about which file this one is about.
 */
function withoutTemplate(text: string): string {
  return text
    .replace(/<summary>[\s\S]*?<\/summary>/gi, ' ')
    .replace(/<[^>\n]{0,500}>/g, ' ')
    .split(/\r?\n/)
    .map((line) => {
      if (/^\s*#{1,6}\s/.test(line) || /^\s*\*\*[^*]+\*\*:?\s*$/.test(line)) return '';
      const field = /^\s*(?:[-*]\s+)?(?:\*\*)?[A-Za-z][A-Za-z /]{0,40}(?:\*\*)?:(?:\*\*)?\s+(.+)$/.exec(line);
      return field ? (field[1] ?? '') : line;
    })
    .join('\n');
}

export function issueMentions(raw: string, max = 40): IssueMentions {
  // Links say where something was seen, not what the code is called.
  const text = raw.replace(URL_RE, ' ');
  const identifiers = new Set<string>();
  const paths = new Set<string>();
  for (const m of text.matchAll(PATH)) {
    const p = (m[1] ?? '').replace(/^\.\//, '');
    if (p && !/^\d/.test(p) && !p.includes('..')) paths.add(p);
  }
  for (const m of text.matchAll(CODE_SPAN)) for (const w of (m[1] ?? '').matchAll(IDENT)) if (w[0].length >= 3 && !STOP.has(w[0].toLowerCase())) identifiers.add(w[0]);
  for (const m of text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) if ((m[1] ?? '').length >= 3 && !STOP.has((m[1] ?? '').toLowerCase())) identifiers.add(m[1] ?? '');
  for (const m of text.matchAll(IDENT)) if (m[0].length >= 3 && codeLike(m[0])) identifiers.add(m[0]);
  const title = text.split('\n').find((l) => l.trim()) ?? '';
  return { identifiers: [...identifiers].slice(0, max), paths: [...paths].slice(0, max), words: plainWords(withoutTemplate(raw).replace(URL_RE, ' ')).slice(0, 200), titleWords: plainWords(title) };
}
