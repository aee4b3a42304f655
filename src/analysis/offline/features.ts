import { prepareIssueText } from '../sanitize.js';
import { normalizeIssueText, wordTokens } from './normalize.js';

/** Raw feature counts of one issue, before TF-IDF weighting. Prefixes keep the feature families apart. */
export type FeatureCounts = Map<string, number>;

function add(counts: FeatureCounts, key: string, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

function addWordNgrams(counts: FeatureCounts, prefix: string, tokens: string[]): void {
  for (let i = 0; i < tokens.length; i++) {
    add(counts, `${prefix}${tokens[i]}`);
    if (i + 1 < tokens.length) add(counts, `${prefix}${tokens[i]} ${tokens[i + 1]}`);
  }
}

function addCharNgrams(counts: FeatureCounts, prefix: string, text: string, min: number, max: number): void {
  const padded = ` ${text.replace(/\s+/g, ' ').trim()} `;
  for (let n = min; n <= max; n++) {
    for (let i = 0; i + n <= padded.length; i++) add(counts, `${prefix}${padded.slice(i, i + n)}`);
  }
}

/** Bodies beyond this many characters add little signal and only cost time. */
const BODY_CHARS = 20_000;

/**
 * Features of one issue: title word uni/bigrams (`t:`), title character 2–5-grams (`c:`), body word
 * uni/bigrams (`b:`, template headings included as `hdr_*` words), and a few shape markers (`s:`).
 */
export function extractFeatures(title: string, body: string): FeatureCounts {
  const counts: FeatureCounts = new Map();
  const normTitle = normalizeIssueText(title);
  const normBody = normalizeIssueText(body.slice(0, BODY_CHARS));
  const titleTokens = wordTokens(normTitle);
  addWordNgrams(counts, 't:', ['<s>', ...titleTokens]);
  addCharNgrams(counts, 'c:', normTitle, 2, 5);
  addWordNgrams(counts, 'b:', wordTokens(normBody));
  if (/\?\s*$/.test(title.trim())) add(counts, 's:title_question');
  if (/^\s*(how|what|why|is|can|does|do|where|which|should|when)\b/i.test(title)) add(counts, 's:title_wh');
  if (body.trim().length === 0) add(counts, 's:empty_body');
  const len = body.length;
  add(counts, len < 300 ? 's:short_body' : len < 2000 ? 's:mid_body' : 's:long_body');
  return counts;
}

/** Token caps for what the offline classifier reads of an issue. */
export const TITLE_TOKENS = 200;
export const BODY_TOKENS = 4000;

/** Sanitised, token-capped title and body: the text the offline analyzer, its training and its bench all see. */
export function prepareIssue(title: string, body: string): { title: string; body: string } {
  return { title: prepareIssueText(title, TITLE_TOKENS).text, body: prepareIssueText(body, BODY_TOKENS).text };
}

/** Features of a raw issue: sanitise, cap, then extract. */
export function issueFeatures(title: string, body: string): FeatureCounts {
  const prepared = prepareIssue(title, body);
  return extractFeatures(prepared.title, prepared.body);
}
