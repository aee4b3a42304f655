import { z } from 'zod';
import { Violation } from '../../sandbox/schema.js';

export const TestResults = z.object({
  passed: z.array(z.string()),
  failed: z.array(z.string()),
  skipped: z.array(z.string()),
});
export type TestResults = z.infer<typeof TestResults>;

/** Where per-test results came from: a runner's machine-readable report, its printed output, or nowhere (exit code only). */
export const ResultSource = z.enum(['report', 'output', 'none']);
export type ResultSource = z.infer<typeof ResultSource>;

export const SuiteRun = z.object({
  exitCode: z.number().int().nullable(),
  timedOut: z.boolean(),
  cancelled: z.boolean(),
  durationMs: z.number(),
  results: TestResults,
  /** False when no per-test result could be read: judged by exit code alone. */
  parsed: z.boolean(),
  resultSource: ResultSource,
  violations: z.array(Violation),
  /** The last lines of output, for people reading the report. */
  outputTail: z.string(),
});
export type SuiteRun = z.infer<typeof SuiteRun>;

/**
 * pass: a test that failed (or did not exist) before passes after, and nothing that passed
 * before fails after. unproven: nothing broken, but no test shows the fix. fail: something
 * broke, or a test the patch adds fails. error: the patch, the environment or the runs could
 * not be judged. refused: the fix policy forbids the patch (the reasons name the rule and the
 * file); nothing ran.
 */
export const Verdict = z.enum(['pass', 'unproven', 'fail', 'error', 'refused']);
export type Verdict = z.infer<typeof Verdict>;

export const EnvironmentSummary = z.object({
  ecosystem: z.string(),
  manager: z.string(),
  key: z.string(),
  cacheHit: z.boolean(),
  durationMs: z.number(),
  notes: z.array(z.string()),
});
export type EnvironmentSummary = z.infer<typeof EnvironmentSummary>;

export const ValidationReport = z.object({
  verdict: Verdict,
  reasons: z.array(z.string()),
  applied: z.boolean(),
  testCommand: z.array(z.string()),
  /** The base with the test changes (of `--test-patch` and of the patch itself), without the fix. */
  before: SuiteRun.nullable(),
  /** The base with everything applied. */
  after: SuiteRun.nullable(),
  /** Failed (or were absent) before, pass after. */
  fixed: z.array(z.string()),
  /** Passed before, fail after. */
  broken: z.array(z.string()),
  /** Present only after the patch. */
  newTests: z.array(z.string()),
  /** Failed before and still fail after. */
  stillFailing: z.array(z.string()),
  /** Tests whose outcome changed when their run was repeated: left out of fixed and broken. */
  flaky: z.array(z.string()),
  touchedFiles: z.array(z.string()),
  environment: EnvironmentSummary.nullable(),
});
export type ValidationReport = z.infer<typeof ValidationReport>;
