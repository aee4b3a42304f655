/** What the contribute pipeline accepts from the fix stage (an activity boundary: checked here). */
import { z } from 'zod';
import { normalizeRepoPath } from '../fix/edits/repo-path.js';
import { ForgeKind, RepoRefSchema } from '../forge/types.js';
import { IssueCategory } from '../scoring/categories.js';
import { PrBodyInput } from './pr-body.js';

const SafePath = z.string().superRefine((p, ctx) => {
  const r = normalizeRepoPath(p);
  if (!r.ok) ctx.addIssue({ code: 'custom', message: `invalid path ${JSON.stringify(p.slice(0, 100))}: ${r.reason}` });
  else if (r.path !== p) ctx.addIssue({ code: 'custom', message: `path ${JSON.stringify(p.slice(0, 100))} is not in normal form` });
});

export const ContributionFile = z.object({
  path: SafePath,
  /** Contents before the change (undefined for a new file), for the saved patch. */
  before: z.string().max(1_000_000).optional(),
  /** Contents after the change; null deletes the file. */
  after: z.string().max(1_000_000).nullable(),
  note: z.string().max(500).optional(),
});
export type ContributionFile = z.infer<typeof ContributionFile>;

export const ContributionRequest = z.object({
  forge: ForgeKind,
  repo: RepoRefSchema,
  issue: z.object({
    number: z.number().int().positive(),
    title: z.string().max(1000),
    category: IssueCategory.optional(),
    /** issues.id when the issue is stored. */
    id: z.number().int().positive().optional(),
  }),
  files: z.array(ContributionFile).min(1).max(200).superRefine((files, ctx) => {
    const seen = new Set<string>();
    for (const f of files) {
      const k = f.path.toLowerCase();
      if (seen.has(k)) ctx.addIssue({ code: 'custom', message: `path ${f.path} appears twice` });
      seen.add(k);
    }
  }),
  summary: z.string().max(20_000),
  evidence: PrBodyInput.shape.evidence,
  disclosure: PrBodyInput.shape.disclosure,
  /** Defaults to `<forge>:<owner>/<name>#<issue>`; a retried activity passes the same key. */
  idempotencyKey: z.string().min(1).max(300).optional(),
  dryRun: z.boolean().default(false),
  /** The consent file opted in to auto-merge; asked for only for trivial changes (./trivial.ts). */
  autoMerge: z.boolean().default(false),
  /** The forge lets this repository merge automatically (GitHub: the repository's setting). */
  autoMergeAllowed: z.boolean().default(false),
  /** Labels the consent file asks for, put on the PR when it is opened. */
  labels: z.array(z.string().trim().min(1).max(50)).max(10).default([]),
  /** Repository cap from the consent file, when it sets one. */
  maxOpenPrsInRepo: z.number().int().min(0).max(50).optional(),
});
export type ContributionRequest = z.input<typeof ContributionRequest>;
export type ParsedContributionRequest = z.output<typeof ContributionRequest>;
