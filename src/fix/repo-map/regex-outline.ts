import type { RepoSymbol, SymbolKind } from './schema.js';

/** Definition patterns for languages without a grammar here (and as a fallback when one fails). */
const PATTERNS: Array<{ re: RegExp; kind: SymbolKind }> = [
  { re: /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\*?\s+([A-Za-z_$][\w$]*)/, kind: 'function' },
  { re: /^\s*(?:export\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/, kind: 'class' },
  { re: /^\s*(?:export\s+)?interface\s+([A-Za-z_$][\w$]*)/, kind: 'interface' },
  { re: /^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)/, kind: 'function' },
  { re: /^\s*func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)/, kind: 'function' },
  { re: /^\s*(?:pub(?:\([^)]*\))?\s+)?fn\s+([A-Za-z_]\w*)/, kind: 'function' },
  { re: /^\s*(?:pub(?:\([^)]*\))?\s+)?(?:struct|enum|trait)\s+([A-Za-z_]\w*)/, kind: 'type' },
  { re: /^\s*module\s+([A-Z]\w*)/, kind: 'class' },
  { re: /^\s*(?:public|private|protected|internal)?\s*(?:static\s+)?(?:final\s+)?(?:function|fun)\s+([A-Za-z_]\w*)/, kind: 'function' },
  { re: /^[A-Za-z_][\w\s*&:<>,]*?\b([A-Za-z_]\w*)\s*\([^;]*\)\s*\{?\s*$/, kind: 'function' },
];
const KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'return', 'catch', 'else', 'sizeof', 'do']);
const WORD = /[A-Za-z_][A-Za-z0-9_]{2,}/g;
const MAX_REFS = 2000;

/** A line-by-line outline: good enough to name the functions and classes of any C-like or scripting language. */
export function regexOutline(text: string): { symbols: RepoSymbol[]; refs: string[] } {
  const symbols: RepoSymbol[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.length > 400) continue;
    for (const { re, kind } of PATTERNS) {
      const m = re.exec(line);
      const name = m?.[1];
      if (name && !KEYWORDS.has(name)) {
        const indented = /^\s/.test(line);
        symbols.push({ name, kind: indented && kind === 'function' ? 'method' : kind, line: i + 1, exported: !name.startsWith('_') && (!indented || /\bexport\b|\bpub\b|\bpublic\b/.test(line)) });
        break;
      }
    }
  }
  const defined = new Set(symbols.map((s) => s.name));
  const refs = new Set<string>();
  for (const m of text.matchAll(WORD)) {
    if (refs.size >= MAX_REFS) break;
    if (!defined.has(m[0])) refs.add(m[0]);
  }
  return { symbols, refs: [...refs] };
}
