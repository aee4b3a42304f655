import { z } from 'zod';
import { IssueCategory } from '../scoring/categories.js';

export const BreakingChangeRisk = z.enum(['low', 'medium', 'high']);
export type BreakingChangeRisk = z.infer<typeof BreakingChangeRisk>;

/** `owner/name` as GitHub spells it. */
export const RepoSlug = z.string().regex(/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/, 'repo must be "owner/name"')
  .refine((s) => !s.split('/').some((part) => part === '.' || part === '..'), 'repo must be "owner/name"');

/**
 * A repository-relative file path: no absolute paths (POSIX or Windows), no `..` segments,
 * no backslashes, no control characters. Issue text and model output choose these, so they stay data.
 */
export const RepoRelativePath = z.string().min(1).max(300)
  .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.startsWith('~'), 'path must be repository-relative')
  .refine((p) => !p.includes('\\'), 'path must use forward slashes')
  .refine((p) => !p.split('/').includes('..'), 'path must not contain ".."')
  .refine((p) => !/[\u0000-\u001f\u007f]/.test(p), 'path must not contain control characters');

/** Which analyzer produced a result: `offline`, `llm`, or `llm:<model>`. */
export const AnalyzerName = z.string().regex(/^(offline|llm)(:[A-Za-z0-9._/@-]{1,80})?$/, 'analyzer must be "offline", "llm" or "llm:<model>"');

/** What every analyzer (LLM or offline) returns for one issue. */
export const IssueAnalysis = z.object({
  /** Every category an analyzer may assign: the one list (scoring/categories.ts); anything else is rejected. */
  category: IssueCategory,
  critical: z.boolean(),
  complexity: z.number().int().min(1).max(10),
  solvability: z.number().min(0).max(1),
  affectedFiles: z.array(RepoRelativePath).max(50),
  breakingChangeRisk: BreakingChangeRisk,
  testNeeded: z.boolean(),
  rationale: z.string().min(1).max(200).refine((s) => !/[\r\n]/.test(s), 'rationale must be one line'),
  analyzer: AnalyzerName,
  confidence: z.number().min(0).max(1),
});
export type IssueAnalysis = z.infer<typeof IssueAnalysis>;

/** One issue to analyze, as read from a file, the forge or a CLI line. */
export const IssueInput = z.object({
  title: z.string().trim().min(1, 'title must not be empty'),
  body: z.string().default(''),
  labels: z.array(z.string()).optional(),
  repo: RepoSlug.optional(),
  number: z.number().int().positive().optional(),
  /** The repository's main language: model calls about it are charged to that language's budget. */
  language: z.string().trim().min(1).max(60).optional(),
});
export type IssueInput = z.infer<typeof IssueInput>;
