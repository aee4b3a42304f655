import { lineSimilarity, similarityUpperBound } from './similarity.js';

/** The lines of the file nearest to a search block that did not match, numbered from 1. */
export interface NearestLines {
  startLine: number;
  lines: Array<{ number: number; text: string }>;
}

const CONTEXT = 2;
const MAX_SCAN_LINES = 50_000;
/** Characters of exactly matching text a window needs before it counts as near. */
const MIN_WEIGHT = 8;

/**
 * The window whose lines equal to the search block (ignoring indentation) carry the most text,
 * or, when that is little, the window aligned on the file line most like the block's longest line.
 */
export function nearestLines(file: readonly string[], search: readonly string[]): NearestLines | undefined {
  if (file.length === 0 || search.length === 0) return undefined;
  const n = Math.min(search.length, file.length);
  const f = file.slice(0, MAX_SCAN_LINES).map((l) => l.trim());
  const s = search.map((l) => l.trim());
  let bestStart = -1;
  let bestWeight = MIN_WEIGHT - 1;
  for (let start = 0; start + n <= f.length; start++) {
    let weight = 0;
    for (let i = 0; i < n; i++) if (s[i] !== '' && f[start + i] === s[i]) weight += (s[i] ?? '').length;
    if (weight > bestWeight) {
      bestWeight = weight;
      bestStart = start;
    }
  }
  if (bestStart < 0) {
    let longest = 0;
    s.forEach((l, i) => {
      if (l.length > (s[longest] ?? '').length) longest = i;
    });
    const target = s[longest] ?? '';
    let bestSim = 0.3;
    for (let i = 0; i < f.length; i++) {
      const line = f[i] ?? '';
      if (similarityUpperBound(line, target) <= bestSim) continue;
      const sim = lineSimilarity(line, target);
      if (sim > bestSim) {
        bestSim = sim;
        bestStart = Math.max(0, Math.min(f.length - n, i - longest));
      }
    }
  }
  if (bestStart < 0) return undefined;
  const from = Math.max(0, bestStart - CONTEXT);
  const to = Math.min(file.length, bestStart + n + CONTEXT);
  const lines = [];
  for (let i = from; i < to; i++) lines.push({ number: i + 1, text: file[i] ?? '' });
  return { startLine: bestStart + 1, lines };
}
