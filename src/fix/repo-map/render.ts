import { tokensOf } from '../../llm/estimate.js';
import type { RankedFile } from './schema.js';

const MAX_SYMBOLS_PER_FILE = 30;

function renderFile(f: RankedFile, maxSymbols: number): string {
  const lines = [`${f.path}:`];
  for (const s of f.symbols.slice(0, maxSymbols)) lines.push(`  ${String(s.line).padStart(4)} ${s.kind} ${s.name}`);
  if (f.symbols.length > maxSymbols) lines.push(`  … ${f.symbols.length - maxSymbols} more`);
  return lines.join('\n');
}

export interface FittedMap {
  text: string;
  tokens: number;
  files: string[];
}

/**
 * The highest-ranked part of the map that fits `maxTokens` (counted with the o200k tokenizer):
 * a binary search on how many files to show, each with its most relevant symbols.
 */
export function fitRepoMap(ranked: readonly RankedFile[], maxTokens: number): FittedMap {
  const render = (k: number, maxSymbols = MAX_SYMBOLS_PER_FILE): string => ranked.slice(0, k).map((f) => renderFile(f, maxSymbols)).join('\n');
  let lo = 0;
  let hi = ranked.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (tokensOf(render(mid)) <= maxTokens) lo = mid;
    else hi = mid - 1;
  }
  let text = render(lo);
  if (lo === 0 && ranked.length > 0) {
    // Not even one file with its symbols fits: show the top file's name alone if that does.
    const bare = render(1, 0);
    if (tokensOf(bare) <= maxTokens) {
      text = bare;
      lo = 1;
    }
  }
  return { text, tokens: tokensOf(text), files: ranked.slice(0, lo).map((f) => f.path) };
}
