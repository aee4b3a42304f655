import { applyEdits, describeFailures } from '../edits/apply.js';
import { generateCandidate, repairCandidate, type Generated, type SourceFile } from '../generate/generate.js';
import type { IssueText } from '../generate/untrusted.js';
import type { GeneratedCandidate } from '../schema.js';
import { readEditedFiles } from './edited-files.js';
import { errorMessage, isModelOutputProblem, splitModelOutput } from './model-output.js';
import { meteredContext, type ModelAccess } from './usage.js';

export interface GenerateStepInput {
  model: ModelAccess;
  /** The worktree the edits are tried against (to decide on a repair round); left unchanged. */
  worktree: string;
  issue: IssueText;
  /** The localized files, in full. */
  sources: readonly SourceFile[];
  /** Shown to the model; the validate stage runs it. */
  testCommand: string[] | undefined;
  options: {
    candidates: number;
    issueTokens: number;
    maxOutputTokens: number;
  };
}

/**
 * The generate step: every candidate not yet in `done` (by index, in order), each reported to
 * `onCandidate` as soon as it exists so a retried attempt never asks for it again.
 */
export async function generateStep(input: GenerateStepInput, done: readonly GeneratedCandidate[], onCandidate: (candidate: GeneratedCandidate) => void): Promise<void> {
  for (let i = 0; i < input.options.candidates; i++) {
    if (done.some((c) => c.index === i)) continue;
    input.model.signal?.throwIfAborted();
    onCandidate(await produceCandidate(input, i));
  }
}

/**
 * One candidate from the model, with one repair round when its edits do not apply: the nearest
 * lines go back and the answer replaces the whole edit list. Unusable model output is recorded
 * as the candidate's error; any other failure is thrown.
 */
export async function produceCandidate(input: GenerateStepInput, index: number): Promise<GeneratedCandidate> {
  const { options } = input;
  const metered = meteredContext(input.model);
  let model: string | null = null;
  const done = (g: Partial<GeneratedCandidate>): GeneratedCandidate => ({ index, explanation: null, edits: [], refusedPaths: [], repaired: false, error: null, model, usage: metered.usage(), ...g });
  let generated: Generated;
  let split: ReturnType<typeof splitModelOutput>;
  try {
    generated = await generateCandidate(metered.ctx, {
      issue: input.issue, files: input.sources, candidate: index, candidates: options.candidates, issueTokens: options.issueTokens, maxTokens: options.maxOutputTokens, testCommand: input.testCommand,
    });
    model = generated.model;
    split = splitModelOutput(generated.raw);
  } catch (err) {
    if (!isModelOutputProblem(err)) throw err;
    return done({ error: errorMessage(err) });
  }
  if (split.edits.length === 0) return done({ explanation: split.explanation, refusedPaths: split.refused });
  const { files } = await readEditedFiles(input.worktree, split.edits);
  const first = applyEdits(files, split.edits);
  if (first.results.every((r) => r.status !== 'failed')) return done({ explanation: split.explanation, edits: split.edits, refusedPaths: split.refused });
  try {
    const repaired = await repairCandidate(metered.ctx, { ...generated, raw: { explanation: split.explanation, edits: split.edits } }, describeFailures(first.results), options.maxOutputTokens, index);
    model = repaired.model;
    const again = splitModelOutput(repaired.raw);
    return done({ explanation: again.explanation, edits: again.edits, refusedPaths: [...split.refused, ...again.refused], repaired: true });
  } catch (err) {
    if (!isModelOutputProblem(err)) throw err;
    return done({ explanation: split.explanation, edits: split.edits, refusedPaths: split.refused, repaired: true, error: `repair failed: ${errorMessage(err)}` });
  }
}
