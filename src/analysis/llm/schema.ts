import { z } from 'zod';
import { IssueCategory } from '../../scoring/categories.js';
import { BreakingChangeRisk, RepoRelativePath } from '../schema.js';
import { MAX_FILES } from './prompt.js';

const tenths = z.number().int().min(0).max(10);

/** One item of the triage tool's input, in its short-key form, as the model must send it. */
export const TriageItem = z.object({
  ref: z.number().int().positive(),
  cat: IssueCategory,
  crit: z.boolean(),
  cx: z.number().int().min(1).max(10),
  solv: tenths,
  files: z.array(RepoRelativePath).max(MAX_FILES),
  risk: BreakingChangeRisk,
  test: z.boolean(),
  conf: tenths,
  why: z.string().transform((s) => s.replace(/\s+/g, ' ').trim()).pipe(z.string().min(1, 'must not be empty').max(200)),
});
export type TriageItem = z.infer<typeof TriageItem>;

/** The whole tool input: items are checked one by one so one bad item does not sink the batch. */
export const TriageToolInput = z.object({ a: z.array(z.unknown()) });
export type TriageToolInput = z.infer<typeof TriageToolInput>;
