/**
 * Path rules: which rule of `POLICY_RULES` protects a path. Matching works on a canonical key,
 * so case, `./`, `//`, `..`, backslashes, trailing dots or spaces, compatibility forms and
 * common look-alike letters do not hide a protected file.
 */
import { POLICY_RULES, type PolicyRule } from './rules.js';

// Cyrillic and Greek letters that render like Latin ones in path names.
const LOOKALIKES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ӏ: 'l', ԛ: 'q', ԝ: 'w', ɡ: 'g', ı: 'i',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ϲ: 'c',
};
// Zero-width and other invisible format characters.
const INVISIBLE = /[\p{Cf}\u034f\u115f\u1160\u3164\uffa0]/gu;

/** The key a path is matched under: lower case, folded, with `.`/empty segments dropped and `..` resolved. */
export function canonicalPathKey(raw: string): string {
  const folded = raw.normalize('NFKC').replace(INVISIBLE, '').toLowerCase().replace(/\\/g, '/');
  const letters = [...folded].map((c) => LOOKALIKES[c] ?? c).join('');
  const out: string[] = [];
  for (const seg of letters.split('/')) {
    const s = seg.replace(/[. ]+$/, (m) => (seg === m ? m : ''));
    if (s === '' || s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  return out.join('/');
}

/** True when a path holds invisible or compatibility characters, which would only serve to disguise it. */
export function hasDisguise(raw: string): boolean {
  return raw !== raw.normalize('NFKC') || raw.replace(INVISIBLE, '') !== raw;
}

function matches(rule: PolicyRule, key: string): boolean {
  const m = rule.paths;
  if (!m) return false;
  const name = key.slice(key.lastIndexOf('/') + 1);
  if (m.names?.includes(name)) return true;
  if (m.namePatterns?.some((re) => re.test(name))) return true;
  const dir = `/${key}`;
  return m.dirs?.some((d) => dir.includes(`/${d}`)) ?? false;
}

/** Every path rule that protects `path` (empty when none does). */
export function protectedPathRules(path: string): PolicyRule[] {
  const key = canonicalPathKey(path);
  return POLICY_RULES.filter((rule) => matches(rule, key));
}
