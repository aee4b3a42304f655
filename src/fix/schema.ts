import { z } from 'zod';
import { TokenUsage } from '../budget/schema.js';
import { Edit } from './edits/schema.js';
import { ValidationReport, Verdict } from './validate/schema.js';

export const Refused = z.object({ path: z.string(), reason: z.string() });
export type Refused = z.infer<typeof Refused>;

/** A candidate as the model left it (after the one repair round): what a checkpoint keeps so it is never generated twice. */
export const GeneratedCandidate = z.object({
  index: z.number().int().nonnegative(),
  /** Null when the model's answer could not be used at all. */
  explanation: z.string().nullable(),
  edits: z.array(Edit),
  /** Edits refused before applying (paths outside the repository). */
  refusedPaths: z.array(Refused),
  repaired: z.boolean(),
  /** Why the candidate failed before it could be applied (invalid model output, refusal). */
  error: z.string().nullable(),
  model: z.string().nullable(),
  usage: TokenUsage,
});
export type GeneratedCandidate = z.infer<typeof GeneratedCandidate>;

export const LocalizedFiles = z.object({
  files: z.array(z.object({ path: z.string(), symbols: z.array(z.string()), reason: z.string() })),
  rejected: z.array(Refused),
  usage: TokenUsage,
  model: z.string(),
});
export type LocalizedFiles = z.infer<typeof LocalizedFiles>;

export const FixStage = z.enum(['prepare', 'localize', 'generate', 'apply', 'validate', 'done']);
export type FixStage = z.infer<typeof FixStage>;

/** Heartbeat details: a retried activity resumes from here without repeating model calls. */
export const FixCheckpoint = z.object({
  stage: FixStage,
  commit: z.string().optional(),
  localized: LocalizedFiles.optional(),
  candidates: z.array(GeneratedCandidate),
});
export type FixCheckpoint = z.infer<typeof FixCheckpoint>;

/** applied: ready for the validate stage; validated: judged there; the rest never reach it. */
export const CandidateStatus = z.enum(['applied', 'validated', 'invalid_output', 'apply_failed', 'refused', 'empty']);
export type CandidateStatus = z.infer<typeof CandidateStatus>;

export const EditSummary = z.object({
  path: z.string(),
  kind: z.enum(['search_replace', 'new_file', 'line_endings']),
  /** How it applied: exact, whitespace, fuzzy, created, converted, unchanged (line endings already so), or failed. */
  status: z.string(),
});

export const CandidateOutcome = z.object({
  index: z.number().int().nonnegative(),
  status: CandidateStatus,
  explanation: z.string().nullable(),
  repaired: z.boolean(),
  edits: z.array(EditSummary),
  /** Edits that did not apply even after the repair round. */
  applyFailures: z.array(z.string()),
  /** Files the change guard (or the path check) refused; a candidate with any is dropped, never stripped. */
  refused: z.array(Refused),
  diff: z.string(),
  changedLines: z.number().int().nonnegative(),
  validation: ValidationReport.nullable(),
  verdict: Verdict.nullable(),
  error: z.string().nullable(),
});
export type CandidateOutcome = z.infer<typeof CandidateOutcome>;

/** What the PR body needs: the evidence that the change fixes something and breaks nothing. */
export const FixEvidence = z.object({
  testCommand: z.string().optional(),
  failedBefore: z.array(z.string()),
  passedAfter: z.array(z.string()),
  fixed: z.array(z.string()),
  broken: z.array(z.string()),
  newTests: z.array(z.string()),
  logExcerpt: z.string().optional(),
});
export type FixEvidence = z.infer<typeof FixEvidence>;

export const FixResult = z.object({
  repo: z.string(),
  issue: z.object({ number: z.number().int().positive(), title: z.string() }),
  commit: z.string(),
  baseBranch: z.string(),
  /**
   * generated: candidates applied and guarded, waiting for the validate stage; pass / unproven:
   * the best candidate's verdict; no_fix: nothing applied, or nothing passed or stayed unbroken.
   */
  status: z.enum(['generated', 'pass', 'unproven', 'no_fix']),
  chosen: z.object({
    index: z.number().int().nonnegative(),
    diff: z.string(),
    explanation: z.string(),
    changes: z.array(z.object({ path: z.string(), note: z.string().optional() })),
    verdict: Verdict,
    evidence: FixEvidence,
  }).nullable(),
  candidates: z.array(CandidateOutcome),
  localized: z.array(z.string()),
  rejectedPaths: z.array(Refused),
  tokens: TokenUsage,
  model: z.string(),
  provider: z.string(),
  dryRun: z.boolean(),
  /** The environment the candidates were validated in (set by the validate stage). */
  environment: z.object({ key: z.string(), cacheHit: z.boolean(), durationMs: z.number(), notes: z.array(z.string()) }).optional(),
});
export type FixResult = z.infer<typeof FixResult>;
