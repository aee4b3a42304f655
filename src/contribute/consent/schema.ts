import { z } from 'zod';
import { IssueCategory } from '../../scoring/categories.js';

/** A repository's `.globallm.yml`: maintainers' own terms for contributions. */
export const ConsentConfig = z.object({
  enabled: z.boolean().default(true),
  maxOpenPrs: z.number().int().min(0).max(20).optional(),
  categories: z.array(IssueCategory).max(20).optional(),
  autoMerge: z.boolean().default(false),
  labels: z.array(z.string().trim().min(1).max(50)).max(10).default([]),
});
export type ConsentConfig = z.infer<typeof ConsentConfig>;
