// `npm run bench -- apply [--seed=N] [--files=N]`: applies perturbed search/replace edits to real
// source files and checks where they landed against ground truth.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { applySearchReplace } from '../src/fix/edits/apply.js';
import { leadingWhitespace, splitFile } from '../src/fix/edits/lines.js';
import { seededRandom } from '../src/util/seeded-random.js';

type Perturbation = 'none' | 'indent' | 'trailing_spaces' | 'crlf_search' | 'crlf_file' | 'drift' | 'indent_drift';
type Negative = 'absent' | 'two_drifted' | 'duplicate' | 'duplicate_indent';
const APPLICABLE: Perturbation[] = ['none', 'indent', 'trailing_spaces', 'crlf_search', 'crlf_file', 'drift', 'indent_drift'];
const NEGATIVE: Negative[] = ['absent', 'two_drifted', 'duplicate', 'duplicate_indent'];

interface Case {
  kind: Perturbation | Negative;
  contents: string;
  search: string;
  replace: string;
  marker: string;
  /** Ground truth for applicable cases: the block's lines [start, end), its first non-blank line and that line's indentation in the file. */
  truth?: { start: number; end: number; anchor: number; indent: string };
}

function listSources(root: string, out: string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(root).sort();
  } catch {
    return;
  }
  for (const name of entries) {
    const path = join(root, name);
    let st;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    if (st.isDirectory()) listSources(path, out);
    else if (/\.(ts|js|mjs|cjs|py)$/.test(name) && !name.endsWith('.min.js') && st.size > 3_000 && st.size < 150_000) out.push(path);
  }
}

function usable(text: string): boolean {
  const lines = text.split('\n');
  if (lines.length < 60 || text.includes('\r') || text.includes('\t\t\t\t\t\t')) return false;
  return lines.filter((l) => l.length > 160).length === 0;
}

function main(args: string[]): { seed: number; files: number } {
  const get = (name: string, fallback: number): number => {
    const arg = args.find((a) => a.startsWith(`--${name}=`));
    const value = arg ? Number(arg.split('=')[1]) : fallback;
    if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  return { seed: get('seed', 42), files: get('files', 150) };
}

export default function (args: string[]): Promise<void> {
  const { seed, files: fileCount } = main(args);
  const rand = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const all: string[] = [];
  listSources('node_modules', all);
  const corpus: string[] = [];
  for (let tries = 0; corpus.length < fileCount && tries < fileCount * 20 && all.length > 0; tries++) {
    const text = readFileSync(pick(all), 'utf8');
    if (usable(text)) corpus.push(text);
  }
  const cases: Case[] = [];
  let id = 0;
  for (let fi = 0; fi < corpus.length; fi++) {
    const text = corpus[fi] ?? '';
    for (const kind of [...APPLICABLE, ...NEGATIVE]) {
      const made = makeCase(kind, text, corpus[(fi + 1) % corpus.length] ?? '', rand, `__GLOBALLM_MARK_${id++}__`);
      if (made) cases.push(made);
    }
  }
  const stats = new Map<string, { total: number; correct: number; wrong: number }>();
  const kinds = new Map<string, number>();
  let applicable = 0, correct = 0, falseApply = 0;
  const started = performance.now();
  for (const c of cases) {
    const result = applySearchReplace(c.contents, c.search, c.replace);
    const s = stats.get(c.kind) ?? { total: 0, correct: 0, wrong: 0 };
    s.total++;
    if (result.ok) kinds.set(result.kind, (kinds.get(result.kind) ?? 0) + 1);
    if (c.truth) {
      applicable++;
      if (!result.ok && process.env['BENCH_DEBUG']) process.stderr.write(`--- MISS ${c.kind} ${result.reason} truth=${c.truth.start + 1} ${JSON.stringify(result.candidates)}\n${JSON.stringify(c.search)}\n`);
      if (result.ok) {
        if (landedCorrectly(c, result.contents)) {
          correct++;
          s.correct++;
        } else {
          if (process.env['BENCH_DEBUG']) process.stderr.write(`--- ${c.kind} ${result.kind} ${result.startLine} truth=${c.truth.start + 1}\n${JSON.stringify(c.search)}\n`);
          falseApply++;
          s.wrong++;
        }
      }
    } else if (result.ok) {
      if (process.env['BENCH_DEBUG']) process.stderr.write(`--- ${c.kind} ${result.kind} ${result.startLine}\n${JSON.stringify(c.search)}\n`);
      falseApply++;
      s.wrong++;
    } else s.correct++;
    stats.set(c.kind, s);
  }
  const elapsed = performance.now() - started;
  const f = (x: number): string => x.toFixed(4);
  const out = [
    `seed=${seed}`,
    `files=${corpus.length}`,
    `edits=${cases.length}`,
    `applicable=${applicable}`,
    `apply_rate=${f(correct / Math.max(1, applicable))}`,
    `false_apply_rate=${f(falseApply / Math.max(1, cases.length))}`,
    `false_applies=${falseApply}`,
  ];
  for (const kind of APPLICABLE) {
    const s = stats.get(kind);
    if (s) out.push(`apply_rate.${kind}=${f(s.correct / s.total)} (n=${s.total}, wrong_place=${s.wrong})`);
  }
  for (const kind of NEGATIVE) {
    const s = stats.get(kind);
    if (s) out.push(`refuse_rate.${kind}=${f(s.correct / s.total)} (n=${s.total}, applied=${s.wrong})`);
  }
  for (const [kind, n] of [...kinds].sort()) out.push(`matched_by.${kind}=${n}`);
  out.push(`ms_per_edit=${(elapsed / Math.max(1, cases.length)).toFixed(3)}`);
  process.stdout.write(`${out.join('\n')}\n`);
  return Promise.resolve();
}

/** The marker sits right after the block's first non-blank line, at the file's indentation, and nothing around the block moved. */
function landedCorrectly(c: Case, result: string): boolean {
  const truth = c.truth;
  if (!truth) return false;
  const before = splitFile(c.contents);
  const after = splitFile(result);
  const prefixLines = truth.start;
  for (let i = 0; i < prefixLines; i++) if (before.lines[i] !== after.lines[i] || before.eols[i] !== after.eols[i]) return false;
  if (after.lines[truth.start + truth.anchor + 1] !== truth.indent + c.marker) return false;
  const tail = before.lines.length - truth.end;
  const extra = after.lines.length - before.lines.length;
  for (let i = 0; i < tail; i++) {
    const b = truth.end + i;
    if (before.lines[b] !== after.lines[b + extra] || before.eols[b] !== after.eols[b + extra]) return false;
  }
  // Line endings of the replaced block follow the file.
  for (let i = truth.start; i < truth.end + extra; i++) if (after.eols[i] !== before.dominantEol) return false;
  return after.lines.filter((l) => l.includes(c.marker)).length === 1;
}

function makeCase(kind: Perturbation | Negative, text: string, other: string, rand: () => number, marker: string): Case | undefined {
  const lines = text.split('\n');
  const trimmed = lines.map((l) => l.trim());
  for (let attempt = 0; attempt < 30; attempt++) {
    const len = 3 + Math.floor(rand() * 10);
    const start = Math.floor(rand() * (lines.length - len - 1));
    const block = lines.slice(start, start + len);
    if (!goodBlock(block) || !uniqueBlock(trimmed, start, len)) continue;
    let search = [...block];
    let contents = text;
    let eol = '\n';
    const anchor = block.findIndex((l) => l.trim() !== '');
    let truth: Case['truth'] = { start, end: start + len, anchor, indent: leadingWhitespace(block[anchor] ?? '') };
    switch (kind) {
      case 'none':
        break;
      case 'indent':
        search = shiftIndent(search, rand);
        break;
      case 'trailing_spaces':
        search = search.map((l) => (l.trim() !== '' && rand() < 0.6 ? l + ' '.repeat(1 + Math.floor(rand() * 3)) : l));
        if (search.every((l, i) => l === block[i])) search[0] += ' ';
        break;
      case 'crlf_search':
        eol = '\r\n';
        break;
      case 'crlf_file':
        contents = text.replace(/\n/g, '\r\n');
        break;
      case 'drift':
      case 'indent_drift': {
        const drifted = driftLines(search, 1, rand);
        if (!drifted) continue;
        search = kind === 'drift' ? drifted : shiftIndent(drifted, rand);
        break;
      }
      case 'two_drifted': {
        const drifted = driftLines(search, 2, rand);
        if (!drifted) continue;
        search = drifted;
        truth = undefined;
        break;
      }
      case 'absent': {
        const foreign = foreignBlock(other, new Set(trimmed), len, rand);
        if (!foreign) continue;
        search = foreign;
        truth = undefined;
        break;
      }
      case 'duplicate':
      case 'duplicate_indent': {
        const at = rand() < 0.5 ? Math.max(0, start - 20 - Math.floor(rand() * 20)) : Math.min(lines.length - 1, start + len + 20 + Math.floor(rand() * 20));
        const copy = [...lines.slice(0, at), ...block, ...lines.slice(at)];
        contents = copy.join('\n');
        if (kind === 'duplicate_indent') search = shiftIndent(search, rand);
        truth = undefined;
        break;
      }
    }
    const markerLine = leadingWhitespace(search[anchor] ?? '') + marker;
    const replace = [...search.slice(0, anchor + 1), markerLine, ...search.slice(anchor + 1)].join(eol) + eol;
    return { kind, contents, search: search.join(eol) + eol, replace, marker, ...(truth ? { truth } : {}) };
  }
  return undefined;
}

function goodBlock(block: readonly string[]): boolean {
  const nonBlank = block.filter((l) => l.trim() !== '');
  return nonBlank.length >= 2 && block.some((l) => l.trim().length >= 10);
}

/** No other window has the same lines once whitespace is ignored: the block's place is unambiguous. */
function uniqueBlock(trimmed: readonly string[], start: number, len: number): boolean {
  for (let s = 0; s + len <= trimmed.length; s++) {
    if (s === start) continue;
    let same = true;
    for (let i = 0; i < len && same; i++) same = trimmed[s + i] === trimmed[start + i];
    if (same) return false;
  }
  return true;
}

function shiftIndent(block: readonly string[], rand: () => number): string[] {
  const indents = block.filter((l) => l.trim() !== '').map((l) => leadingWhitespace(l).length);
  const min = Math.min(...indents);
  if (min > 0 && rand() < 0.5) return block.map((l) => (l.trim() === '' ? l : l.slice(min)));
  const add = rand() < 0.5 ? '  ' : '    ';
  return block.map((l) => (l.trim() === '' ? l : add + l));
}

/** Edits `count` different non-trivial lines slightly (one or two character edits each). */
function driftLines(block: readonly string[], count: number, rand: () => number): string[] | undefined {
  const eligible = block.map((l, i) => (l.trim().length >= 12 ? i : -1)).filter((i) => i >= 0);
  if (eligible.length < count || block.length - count < 2) return undefined;
  const out = [...block];
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(eligible[Math.floor(rand() * eligible.length)] ?? 0);
  for (const i of chosen) {
    const line = out[i] ?? '';
    let next = line;
    const edits = 1 + Math.floor(rand() * 2);
    for (let e = 0; e < edits; e++) next = mutate(next, rand);
    if (next === line) next = `${line};`;
    out[i] = next;
  }
  return out;
}

function mutate(line: string, rand: () => number): string {
  const body = leadingWhitespace(line).length;
  const at = body + Math.floor(rand() * (line.length - body));
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const r = rand();
  if (r < 0.4) {
    const c = letters[Math.floor(rand() * letters.length)] ?? 'x';
    return line.slice(0, at) + (line[at] === c ? 'q' : c) + line.slice(at + 1);
  }
  if (r < 0.7) return line.slice(0, at) + line.slice(at + 1);
  return line.slice(0, at) + (letters[Math.floor(rand() * letters.length)] ?? 'x') + line.slice(at);
}

/** A block from another file none of whose substantial lines occur in this one. */
function foreignBlock(other: string, present: ReadonlySet<string>, len: number, rand: () => number): string[] | undefined {
  const lines = other.split('\n');
  for (let attempt = 0; attempt < 20; attempt++) {
    const start = Math.floor(rand() * Math.max(1, lines.length - len));
    const block = lines.slice(start, start + len);
    if (block.length < 3 || !goodBlock(block)) continue;
    if (block.some((l) => l.trim().length >= 3 && present.has(l.trim()))) continue;
    return block;
  }
  return undefined;
}
