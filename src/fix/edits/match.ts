import { NO_SHIFT, uniformShift, type IndentShift } from './indent.js';
import { lineSimilarity, similarityUpperBound } from './similarity.js';

export type MatchKind = 'exact' | 'whitespace' | 'fuzzy';

export interface LineMatch {
  kind: MatchKind;
  /** First matched line (0-based) and one past the last. */
  start: number;
  end: number;
  shift: IndentShift;
  /** For fuzzy matches: similarity of the one drifted line. */
  driftSimilarity?: number;
}

export type MatchOutcome =
  | { status: 'found'; match: LineMatch }
  | { status: 'ambiguous'; starts: number[] }
  | { status: 'not_found' };

export interface FuzzyOptions {
  /** Smallest block the fuzzy tier will consider; shorter blocks have too little context. */
  minLines: number;
  /** Similarity the one drifted line must reach. */
  minDriftSimilarity: number;
  /** How much better (in lines' worth of similarity) the best window must be than any other. */
  margin: number;
  /** Characters of unchanged, non-trivial text the matched lines must contain. */
  minAnchorChars: number;
}

export const DEFAULT_FUZZY: FuzzyOptions = { minLines: 3, minDriftSimilarity: 0.7, margin: 0.5, minAnchorChars: 12 };

/**
 * Finds where a block of lines sits in a file, tier by tier: identical lines, lines equal but
 * for trailing whitespace, lines equal but for one uniform indentation shift, then one drifted
 * line. A tier with more than one candidate is ambiguous and stops the search.
 */
export function findBlock(file: readonly string[], search: readonly string[], fuzzy: FuzzyOptions = DEFAULT_FUZZY): MatchOutcome {
  const n = search.length;
  if (n === 0 || n > file.length) return { status: 'not_found' };
  const trimmed = search.map((s) => s.trimEnd());
  const tiers: Array<{ kind: MatchKind; test: (start: number) => IndentShift | undefined }> = [
    { kind: 'exact', test: (start) => (search.every((s, i) => file[start + i] === s) ? NO_SHIFT : undefined) },
    { kind: 'whitespace', test: (start) => (trimmed.every((s, i) => (file[start + i] ?? '').trimEnd() === s) ? NO_SHIFT : undefined) },
    { kind: 'whitespace', test: (start) => uniformShift(file.slice(start, start + n), search) },
  ];
  for (const tier of tiers) {
    const found: Array<{ start: number; shift: IndentShift }> = [];
    for (let start = 0; start + n <= file.length; start++) {
      const shift = tier.test(start);
      if (shift) found.push({ start, shift });
    }
    const only = found[0];
    if (found.length === 1 && only) return { status: 'found', match: { kind: tier.kind, start: only.start, end: only.start + n, shift: only.shift } };
    if (found.length > 1) return { status: 'ambiguous', starts: found.map((f) => f.start) };
  }
  return findFuzzy(file, search, fuzzy);
}

const significant = (line: string): boolean => line.length >= 4 && /[A-Za-z0-9]/.test(line);

function findFuzzy(file: readonly string[], search: readonly string[], opts: FuzzyOptions): MatchOutcome {
  const n = search.length;
  if (n < opts.minLines) return { status: 'not_found' };
  const s = search.map((l) => l.trim());
  const f = file.map((l) => l.trim());
  const windows = file.length - n + 1;
  const equalCounts = new Int32Array(windows);
  const candidates: Array<{ start: number; drift: number; sim: number; shift: IndentShift }> = [];
  for (let start = 0; start < windows; start++) {
    let equal = 0;
    let drift = -1;
    for (let i = 0; i < n; i++) {
      if (f[start + i] === s[i]) equal++;
      else drift = i;
    }
    equalCounts[start] = equal;
    if (equal !== n - 1) continue;
    const fl = f[start + drift] ?? '';
    const sl = s[drift] ?? '';
    if (fl === '' || sl === '') continue;
    let anchorChars = 0;
    for (let i = 0; i < n; i++) if (i !== drift && significant(s[i] ?? '')) anchorChars += (s[i] ?? '').length;
    if (anchorChars < opts.minAnchorChars) continue;
    if (similarityUpperBound(fl, sl) < opts.minDriftSimilarity) continue;
    const sim = lineSimilarity(fl, sl);
    if (sim < opts.minDriftSimilarity) continue;
    const shift = uniformShift(file.slice(start, start + n), search, drift);
    if (!shift) continue;
    candidates.push({ start, drift, sim, shift });
  }
  if (candidates.length === 0) return { status: 'not_found' };
  if (candidates.length > 1) return { status: 'ambiguous', starts: candidates.map((c) => c.start) };
  const best = candidates[0];
  if (!best) return { status: 'not_found' };
  const bestScore = n - 1 + best.sim;
  // Every other window must be clearly worse; bounds first, exact similarity only when close.
  for (let start = 0; start < windows; start++) {
    if (start === best.start) continue;
    const equal = equalCounts[start] ?? 0;
    let bound = n;
    for (let i = 0; i < n && bound > bestScore - opts.margin; i++) {
      const fl = f[start + i] ?? '';
      const sl = s[i] ?? '';
      if (fl !== sl) bound -= 1 - similarityUpperBound(fl, sl);
    }
    if (bound <= bestScore - opts.margin) continue;
    let score = equal;
    for (let i = 0; i < n; i++) {
      const fl = f[start + i] ?? '';
      const sl = s[i] ?? '';
      if (fl !== sl) score += lineSimilarity(fl, sl);
    }
    if (score > bestScore - opts.margin) return { status: 'ambiguous', starts: [best.start, start] };
  }
  return { status: 'found', match: { kind: 'fuzzy', start: best.start, end: best.start + n, shift: best.shift, driftSimilarity: best.sim } };
}
