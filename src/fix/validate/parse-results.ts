import { z } from 'zod';
import type { TestResults } from './schema.js';
import { ResultSet as Collector } from './reports/read.js';

/** pytest `-rA` short summary: `PASSED path::test`, `FAILED path::test - reason`, `ERROR path::test`. */
function pytest(lines: string[], c: Collector): void {
  for (const l of lines) {
    const m = /^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) (\S+::\S+)/.exec(l);
    if (!m) continue;
    const kind = m[1]!;
    c.add(m[2]!, kind === 'PASSED' || kind === 'XFAIL' ? 'passed' : kind === 'SKIPPED' ? 'skipped' : 'failed');
  }
}

/** unittest `-v`: `test_x (module.Class.test_x) ... ok|FAIL|ERROR|skipped`. */
function unittest(lines: string[], c: Collector): void {
  for (const l of lines) {
    const m = /^(\w+) \(([\w.]+)\)(?: \.\.\.|\n)? (ok|FAIL|ERROR|skipped.*|expected failure|unexpected success)$/.exec(l.trimEnd());
    if (!m) continue;
    const id = m[2]!.endsWith(`.${m[1]!}`) ? m[2]! : `${m[2]!}.${m[1]!}`;
    const r = m[3]!;
    c.add(id, r === 'ok' || r === 'expected failure' ? 'passed' : r.startsWith('skipped') ? 'skipped' : 'failed');
  }
}

/** cargo test: `test path::name ... ok|FAILED|ignored`. */
function cargo(lines: string[], c: Collector): void {
  for (const l of lines) {
    const m = /^test (\S+) \.\.\. (ok|FAILED|ignored)/.exec(l);
    if (m) c.add(m[1]!, m[2] === 'ok' ? 'passed' : m[2] === 'ignored' ? 'skipped' : 'failed');
  }
}

/** TAP from node's test runner, with `# Subtest:` nesting; only leaf tests are recorded. */
function tap(lines: string[], c: Collector): void {
  const stack: Array<{ indent: number; name: string; hasChildren: boolean }> = [];
  for (const l of lines) {
    const sub = /^(\s*)# Subtest: (.*)$/.exec(l);
    if (sub) {
      const indent = sub[1]!.length;
      while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) parent.hasChildren = true;
      stack.push({ indent, name: sub[2]!.trim(), hasChildren: false });
      continue;
    }
    const m = /^(\s*)(not ok|ok) \d+ - (.*?)(\s+#\s*(SKIP|TODO)\b.*)?$/.exec(l);
    if (!m) continue;
    const indent = m[1]!.length;
    const name = m[3]!.trim();
    while (stack.length > 0 && stack[stack.length - 1]!.indent > indent) stack.pop();
    const self = stack[stack.length - 1]?.indent === indent ? stack.pop() : undefined;
    if (self?.hasChildren) continue;
    if (!self) {
      const parent = stack[stack.length - 1];
      if (parent) parent.hasChildren = true;
    }
    const full = [...stack.map((s) => s.name), name].join(' > ');
    c.add(full, m[5] ? 'skipped' : m[2] === 'ok' ? 'passed' : 'failed');
  }
}

const GoEvent = z.object({ Action: z.string(), Package: z.string().optional(), Test: z.string().optional() });

/** `go test -json` events: one JSON object per line. */
function goJson(lines: string[], c: Collector): void {
  for (const l of lines) {
    if (!l.startsWith('{')) continue;
    let ev: z.infer<typeof GoEvent>;
    try {
      const parsed = GoEvent.safeParse(JSON.parse(l));
      if (!parsed.success) continue;
      ev = parsed.data;
    } catch {
      continue;
    }
    if (!ev.Test || !['pass', 'fail', 'skip'].includes(ev.Action)) continue;
    const name = ev.Package ? `${ev.Package}.${ev.Test}` : ev.Test;
    c.add(name, ev.Action === 'pass' ? 'passed' : ev.Action === 'skip' ? 'skipped' : 'failed');
  }
}

/**
 * Reads per-test outcomes from a test run's output, whichever runner printed it (pytest -rA,
 * unittest -v, node --test TAP, go test -json, cargo test). `parsed` is false when no test
 * line was found.
 */
export function parseTestOutput(output: string): { results: TestResults; parsed: boolean } {
  const lines = output.split(/\r?\n/);
  const c = new Collector();
  pytest(lines, c);
  unittest(lines, c);
  cargo(lines, c);
  tap(lines, c);
  goJson(lines, c);
  return { results: c.results(), parsed: c.size > 0 };
}
