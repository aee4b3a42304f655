import type { IssueAnalysis, IssueInput } from './schema.js';

/** What one issue came to: an analysis (maybe from the fallback, with a note saying why) or a recorded failure. */
export type AnalysisOutcome =
  | { ok: true; analysis: IssueAnalysis; note?: string }
  | { ok: false; error: string; retryable: boolean; retryAfterMs?: number };

/** What the rest of the system asks of an issue analyzer; offline and LLM implementations sit behind it. */
export interface IssueAnalyzer {
  readonly name: string;
  analyze(issue: IssueInput): Promise<IssueAnalysis>;
  /** One outcome per issue, in order; the LLM analyzer puts several issues in each model call. */
  analyzeBatch(issues: readonly IssueInput[]): Promise<AnalysisOutcome[]>;
}
