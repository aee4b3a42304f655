import { z } from 'zod';
import { Violation } from '../../sandbox/schema.js';

export const TestResults = z.object({
  passed: z.array(z.string()),
  failed: z.array(z.string()),
  skipped: z.array(z.string()),
});
export type TestResults = z.infer<typeof TestResults>;

export const SuiteRun = z.object({
  exitCode: z.number().int().nullable(),
  timedOut: z.boolean(),
  cancelled: z.boolean(),
  durationMs: z.number(),
  results: TestResults,
  /** False when no per-test line could be read: judge by exit code alone. */
  parsed: z.boolean(),
  violations: z.array(Violation),
  /** The last lines of output, for people reading the report. */
  outputTail: z.string(),
});
export type SuiteRun = z.infer<typeof SuiteRun>;

/** `refused`: the fix policy forbids the patch (the reasons name the rule and the file); nothing ran. */
export const Verdict = z.enum(['pass', 'fail', 'error', 'refused']);
export type Verdict = z.infer<typeof Verdict>;

export const ValidationReport = z.object({
  verdict: Verdict,
  reasons: z.array(z.string()),
  applied: z.boolean(),
  testCommand: z.array(z.string()),
  before: SuiteRun.nullable(),
  after: SuiteRun.nullable(),
  /** The patch's test changes alone on the old code: new tests should fail there. */
  testsOnly: SuiteRun.nullable(),
  /** Failed before, pass after. */
  fixed: z.array(z.string()),
  /** Passed before, fail after. */
  broken: z.array(z.string()),
  /** Present only after the patch. */
  newTests: z.array(z.string()),
  /** Failed before and still fail after. */
  stillFailing: z.array(z.string()),
  touchedFiles: z.array(z.string()),
});
export type ValidationReport = z.infer<typeof ValidationReport>;
