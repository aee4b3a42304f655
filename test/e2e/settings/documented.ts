import { section } from '../../helpers/readme-commands.js';

/** The environment variables the README's Configuration table documents (every name in a row's first cell). */
export function documentedKeys(readme: string): string[] {
  const rows = section(readme, 'Configuration').split('\n').filter((l) => /^\| `[A-Z]/.test(l));
  return rows.flatMap((row) => [...(row.split(/(?<!\\)\|/)[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1] ?? ''));
}

/**
 * The flags the README's Commands table documents, as `<command> --flag` (`campaign start --wait`):
 * each synopsis in a row's first cell names its command (its leading lowercase words, `a|b` as is)
 * and the flags after it.
 */
export function documentedFlags(readme: string): string[] {
  const rows = section(readme, 'Commands').split('\n').filter((l) => l.startsWith('| `globallm'));
  const out = new Set<string>();
  for (const row of rows) {
    const cell = (row.split(/(?<!\\)\|/)[1] ?? '').replace(/\\\|/g, '|');
    for (const [, synopsis = ''] of cell.matchAll(/`globallm ([^`]+)`/g)) {
      const words = synopsis.split(/\s+/);
      const name = words.filter((w, i) => words.slice(0, i + 1).every((x) => /^[a-z][a-z|]*$/.test(x))).join(' ');
      for (const [flag] of synopsis.matchAll(/--[a-z][a-z-]*/g)) out.add(`${name} ${flag}`);
    }
  }
  return [...out];
}
