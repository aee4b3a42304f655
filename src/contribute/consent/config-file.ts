import { parse } from 'yaml';
import { ConsentConfig } from './schema.js';

/** Where a repository may put its consent file, in the order they are read. */
export const CONSENT_FILE_PATHS = ['.globallm.yml', '.github/globallm.yml'] as const;

/** Repository topics that opt a repository out. */
export const OPT_OUT_TOPICS = ['no-globallm', 'globallm-optout', 'globallm-opt-out'] as const;

const MAX_FILE_CHARS = 16_384;

export type ConsentFileResult =
  | { ok: true; config: ConsentConfig; unknownKeys: string[] }
  | { ok: false; error: string };

/** Parses a consent file. An empty file opts in with the defaults; anything malformed is an error. */
export function parseConsentFile(text: string): ConsentFileResult {
  if (text.length > MAX_FILE_CHARS) return { ok: false, error: 'consent file too large' };
  let raw: unknown;
  try {
    raw = parse(text, { maxAliasCount: 20, prettyErrors: false, uniqueKeys: true });
  } catch (err) {
    return { ok: false, error: `not valid YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
  raw ??= {};
  if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, error: 'consent file must be a mapping' };
  const parsed = ConsentConfig.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, error: `invalid consent file: ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'unknown error'}` };
  }
  const known = new Set(Object.keys(ConsentConfig.shape));
  return { ok: true, config: parsed.data, unknownKeys: Object.keys(raw as Record<string, unknown>).filter((k) => !known.has(k)) };
}

export function hasOptOutTopic(topics: readonly string[]): boolean {
  return topics.some((t) => (OPT_OUT_TOPICS as readonly string[]).includes(t.trim().toLowerCase()));
}
