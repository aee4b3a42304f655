/**
 * INI and TOML files read as sections: the header name (lower case) to the lines under it, so a
 * change can be judged by which sections it touches. Lines before any header sit under "".
 */
const HEADER = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/;

export function sections(text: string): Map<string, string> {
  const out = new Map<string, string[]>();
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    const header = HEADER.exec(raw);
    if (header) current = (header[1] ?? '').toLowerCase().replace(/\s+/g, '');
    const lines = out.get(current) ?? [];
    const line = raw.replace(/\s+$/, '');
    if (!header && line !== '' && !/^\s*[#;]/.test(line)) lines.push(line);
    out.set(current, lines);
  }
  return new Map([...out].map(([k, v]) => [k, v.join('\n')]));
}

/** Names of the sections whose content differs (added, removed or changed). */
export function changedSections(before: string, after: string): string[] {
  const a = sections(before);
  const b = sections(after);
  const names = new Set([...a.keys(), ...b.keys()]);
  return [...names].filter((n) => (a.get(n) ?? '') !== (b.get(n) ?? '') || a.has(n) !== b.has(n));
}

/** The value lines of one top-level key inside a section (e.g. `build` in `[package]`). */
export function sectionKey(text: string, section: string, key: string): string | undefined {
  const body = sections(text).get(section) ?? '';
  return body.split('\n').find((l) => new RegExp(`^\\s*${key}\\s*=`).test(l));
}
