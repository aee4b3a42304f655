import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';

type Outcome = 'passed' | 'failed' | 'skipped';

const Case = z.object({
  '@_name': z.string(),
  '@_classname': z.string().optional(),
  '@_file': z.string().optional(),
  failure: z.unknown().optional(),
  error: z.unknown().optional(),
  skipped: z.unknown().optional(),
}).loose();
type Case = z.infer<typeof Case>;

/**
 * A stable test id from a JUnit case. pytest's (xunit1, with `file`) becomes the pytest node id
 * `path.py::Class::test`, the same id `pytest -rA` prints; others are `classname.name`.
 */
export function caseId(c: Case): string {
  const cls = c['@_classname'] ?? '';
  const file = c['@_file'];
  if (file && file.endsWith('.py')) {
    const mod = file.replace(/\.py$/, '').replace(/\//g, '.');
    const rest = cls === mod ? '' : cls.startsWith(`${mod}.`) ? cls.slice(mod.length + 1) : '';
    return [file, ...(rest ? rest.split('.') : []), c['@_name']].join('::');
  }
  return cls ? `${cls}.${c['@_name']}` : c['@_name'];
}

function collect(node: unknown, out: Case[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collect(n, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'testcase') {
      for (const c of Array.isArray(v) ? v : [v]) {
        const parsed = Case.safeParse(c);
        if (parsed.success) out.push(parsed.data);
      }
    } else if (k === 'testsuite' || k === 'testsuites') {
      collect(v, out);
    }
  }
}

/** Reads a JUnit XML report (pytest, Maven Surefire, Gradle, Jest/Vitest junit reporters). */
export function parseJUnit(xml: string): Array<{ name: string; outcome: Outcome }> {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', processEntities: true, allowBooleanAttributes: true });
  const doc: unknown = parser.parse(xml);
  const cases: Case[] = [];
  collect(doc, cases);
  return cases.map((c) => ({
    name: caseId(c),
    outcome: c.failure !== undefined || c.error !== undefined ? 'failed' : c.skipped !== undefined ? 'skipped' : 'passed',
  }));
}
