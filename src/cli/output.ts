/**
 * The version of every `--json` shape (the zod schemas in src/cli/commands/json-schemas.ts).
 * Raised when a shape changes so that a reader of the previous one would misread it.
 */
export const JSON_SCHEMA_VERSION = 1;

/** One `--json` document: an object whose first key is `schemaVersion` (lists go under a named key). */
export function jsonDocument(value: object): string {
  if (Array.isArray(value)) throw new TypeError('a --json document is an object: put lists under a named key');
  return `${JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, ...value }, null, 2)}\n`;
}

/** One JSON Lines record (commands that stream one result per input line), versioned like a document. */
export function jsonLine(value: object): string {
  return `${JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, ...value })}\n`;
}

/** Read commands print either a table for people or one JSON document with `--json`. */
export function printJson(value: object): void {
  process.stdout.write(jsonDocument(value));
}

export function printTable(rows: Array<Record<string, unknown>>, columns?: string[]): void {
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const cols = columns ?? Object.keys(rows[0] ?? {});
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v.toString();
    return JSON.stringify(v);
  };
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]): string => vals.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  process.stdout.write(`${line(cols)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const r of rows) process.stdout.write(`${line(cols.map((c) => cell(r[c])))}\n`);
}
