import { parseArgsStringToArgv } from 'string-argv';

/** The README's runnable commands, by section, in the order a reader meets them. */
export interface ReadmeCommands {
  /** Inline `npx globallm …` commands of the Quick start's follow-up paragraphs. */
  quickStart: string[];
  /** The `globallm up …` invocations of the Quick start's code blocks (`npx` and any `&&` chain before them dropped). */
  quickStartUp: string[];
  /** The Commands table: each row's command names (e.g. `repo pause|resume`), in order. */
  table: string[];
  /** `temporal …` and `globallm …` lines of the steering section (code block and inline). */
  steering: string[];
  /** Commands of the offline stand-ins section. */
  offline: string[];
}

/** The text of the section under `heading` (a `##`/`###` line), up to the next heading of any level. */
export function section(readme: string, heading: string): string {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => /^#{2,3} /.test(l) && l.replace(/^#+ /, '').trim() === heading);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  const end = lines.findIndex((l, i) => i > start && /^#{2,3} /.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

function inlineCode(text: string): string[] {
  return [...text.matchAll(/`([^`\n]+)`/g)].map((m) => (m[1] ?? '').trim());
}

function withoutFences(text: string): string {
  return text.replace(/```[\s\S]*?```/g, '');
}

function fencedLines(text: string): string[] {
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => (m[1] ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== ''));
}

/** `globallm repo pause|resume <owner/repo> [--reason …]` → `repo pause|resume`. */
export function commandName(synopsis: string): string {
  const words = synopsis.replace(/\\\|/g, '|').split(/\s+/);
  if (words[0] !== 'globallm') throw new Error(`not a globallm command: ${synopsis}`);
  const name: string[] = [];
  for (const w of words.slice(1)) {
    if (!/^[a-z][a-z|]*$/.test(w)) break;
    name.push(w);
  }
  return name.join(' ');
}

export function readmeCommands(readme: string): ReadmeCommands {
  const quickSection = section(readme, 'Quick start');
  const quick = withoutFences(quickSection);
  const table = section(readme, 'Commands').split('\n').filter((l) => l.startsWith('| `globallm'));
  const steering = section(readme, 'Steering with the `temporal` CLI');
  const offline = section(readme, 'Offline, without credentials: the stand-ins');
  return {
    quickStart: inlineCode(quick).filter((c) => c.startsWith('npx globallm ')).map((c) => c.slice('npx '.length)),
    quickStartUp: fencedLines(quickSection).flatMap((l) => l.split('&&')).map((c) => c.trim().replace(/^npx /, '')).filter((c) => c.startsWith('globallm up')),
    table: table.flatMap((row) => inlineCode(row.split(/(?<!\\)\|/)[1] ?? '').filter((c) => c.startsWith('globallm ')).map(commandName)),
    steering: [...fencedLines(steering), ...inlineCode(withoutFences(steering))].filter((c) => /^(temporal|globallm) /.test(c)),
    offline: inlineCode(offline).filter((c) => c.startsWith('npm run ') || c.startsWith('globallm ')),
  };
}

/** argv of a README command line (quotes as a shell reads them), without the program name. */
export function argvOf(command: string): string[] {
  return parseArgsStringToArgv(command).slice(1);
}

/** Names that have no step, and steps whose name the README no longer lists. */
export function coverage(documented: readonly string[], steps: readonly string[]): { missing: string[]; stale: string[] } {
  return { missing: documented.filter((d) => !steps.includes(d)), stale: steps.filter((s) => !documented.includes(s)) };
}
