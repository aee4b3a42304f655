import type { IssueAnalysis, IssueInput } from './schema.js';

/** What the rest of the system asks of an issue analyzer; offline and LLM implementations sit behind it. */
export interface IssueAnalyzer {
  readonly name: string;
  analyze(issue: IssueInput): Promise<IssueAnalysis>;
}
