import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { UsageError } from '../../errors.js';

/** The three labels the offline classifier learns. */
export const TriageLabel = z.enum(['bug', 'feature', 'question']);
export type TriageLabel = z.infer<typeof TriageLabel>;
export const TRIAGE_LABELS: readonly TriageLabel[] = TriageLabel.options;

/** One labelled issue row of the training CSV (columns repo, created_at, label, title, body). */
export const LabelledIssue = z.object({
  repo: z.string(),
  label: TriageLabel,
  title: z.string(),
  body: z.string(),
});
export type LabelledIssue = z.infer<typeof LabelledIssue>;

/** Parses the labelled-issues CSV text; rows that fail validation are an error naming the row. */
export function parseLabelledIssues(csvText: string): LabelledIssue[] {
  const records: unknown = parse(csvText, { columns: true, skip_empty_lines: true, relax_quotes: false, max_record_size: 0 });
  const rows = z.array(z.record(z.string(), z.string())).parse(records);
  return rows.map((row, i) => {
    const parsed = LabelledIssue.safeParse(row);
    if (!parsed.success) throw new UsageError(`CSV row ${i + 2}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
    return parsed.data;
  });
}

export async function loadLabelledIssues(path: string): Promise<LabelledIssue[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read labelled issues CSV at ${path}`, { cause: err });
  }
  return parseLabelledIssues(text);
}
