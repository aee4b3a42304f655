import type { TokenBudget } from '../budget/types.js';
import type { LlmProvider } from '../llm/types.js';
import type { IssueText } from './generate/untrusted.js';
import { applyStep } from './pipeline/apply-step.js';
import { generateStep } from './pipeline/generate-step.js';
import { guardStep } from './pipeline/guard-step.js';
import { localizeStep, readSources } from './pipeline/localize-step.js';
import { prepareStep } from './pipeline/prepare-step.js';
import { addUsage, type ModelAccess } from './pipeline/usage.js';
import type { RepoSource } from './prepare/source.js';
import {
  FixResult, type CandidateOutcome, type FixCheckpoint, type FixEvidence, type GeneratedCandidate, type LocalizedFiles,
} from './schema.js';
import type { ValidationReport } from './validate/schema.js';

export interface FixDeps {
  llm: LlmProvider;
  budget: TokenBudget;
  /** Mirrors, worktrees and cached repository models live here. */
  cacheDir: string;
}

export interface FixOptions {
  candidates: number;
  /** Token caps: the repo map, the issue text, each answer. */
  mapTokens: number;
  issueTokens: number;
  maxOutputTokens: number;
  /** Files sent in full to generation. */
  maxFiles: number;
  /** Overrides the detected test command (shown to the model; the validate stage runs it). */
  testCommand?: string[] | undefined;
}

export const DEFAULT_FIX_OPTIONS: FixOptions = {
  candidates: 1, mapTokens: 2048, issueTokens: 2000, maxOutputTokens: 8192, maxFiles: 6,
};

export interface FixInput {
  repo: string;
  issue: IssueText;
  source: RepoSource;
  baseBranch: string;
  language?: string | undefined;
  dryRun?: boolean;
  options?: Partial<FixOptions>;
}

export interface FixHooks {
  signal?: AbortSignal | undefined;
  /** Where a previous attempt got to. */
  checkpoint?: FixCheckpoint | undefined;
  /** Called whenever the checkpoint changes (the activity heartbeats it). */
  onCheckpoint?: (checkpoint: FixCheckpoint) => void;
}

const VERDICT_RANK = { pass: 0, unproven: 1, fail: 2, error: 3, refused: 4 } as const;

function rankKey(c: CandidateOutcome): [number, number, number, number] {
  const v = c.verdict ? VERDICT_RANK[c.verdict] : 5;
  return [v, -(c.validation?.fixed.length ?? 0), c.validation?.broken.length ?? 0, c.changedLines];
}

/** Best candidate first: verdict (pass, unproven, fail, error), more fixed tests, fewer broken, smaller diff. */
export function chooseBest(outcomes: readonly CandidateOutcome[]): CandidateOutcome | undefined {
  const validated = outcomes.filter((c) => c.status === 'validated' && c.verdict !== null);
  return [...validated].sort((a, b) => {
    const ka = rankKey(a);
    const kb = rankKey(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return (ka[i] ?? 0) - (kb[i] ?? 0);
    return a.index - b.index;
  })[0];
}

export function evidenceOf(v: ValidationReport): FixEvidence {
  return {
    ...(v.testCommand.length > 0 ? { testCommand: v.testCommand.join(' ') } : {}),
    failedBefore: v.before?.results.failed ?? [],
    passedAfter: v.after?.results.passed ?? [],
    fixed: v.fixed,
    broken: v.broken,
    newTests: v.newTests,
    ...(v.after?.outputTail ? { logExcerpt: v.after.outputTail } : {}),
  };
}

const byIndex = (a: GeneratedCandidate, b: GeneratedCandidate): number => a.index - b.index;

function fixOptions(given: Partial<FixOptions> | undefined): FixOptions {
  const opts: FixOptions = { ...DEFAULT_FIX_OPTIONS, ...given };
  if (!Number.isInteger(opts.candidates) || opts.candidates < 1 || opts.candidates > 8) throw new RangeError('candidates must be between 1 and 8');
  return opts;
}

/** Records the stage reached and hands a copy of the checkpoint to the hook (the activity heartbeats it). */
function saveCheckpoint(cp: FixCheckpoint, stage: FixCheckpoint['stage'], hooks: FixHooks): void {
  cp.stage = stage;
  hooks.onCheckpoint?.(structuredClone(cp));
}

/** Apply then guard each candidate, in index order. */
async function applyAndGuard(worktree: string, candidates: readonly GeneratedCandidate[]): Promise<CandidateOutcome[]> {
  const outcomes: CandidateOutcome[] = [];
  for (const g of [...candidates].sort(byIndex)) {
    const step = await applyStep(worktree, g);
    outcomes.push('finished' in step ? step.finished : guardStep(step.applied));
  }
  return outcomes;
}

/** The model that answered last: the last candidate's, else the localization's when it ran now, else the configured one. */
function lastModel(candidates: readonly GeneratedCandidate[], fallback: string): string {
  return [...candidates].sort(byIndex).reverse().find((g) => g.model)?.model ?? fallback;
}

interface ResultParts {
  commit: string;
  localized: LocalizedFiles;
  candidates: readonly GeneratedCandidate[];
  outcomes: CandidateOutcome[];
  model: string;
}

function fixResultOf(deps: FixDeps, input: FixInput, parts: ResultParts): FixResult {
  return FixResult.parse({
    repo: input.repo,
    issue: { number: input.issue.number, title: input.issue.title },
    commit: parts.commit,
    baseBranch: input.baseBranch,
    status: parts.outcomes.some((o) => o.status === 'applied') ? 'generated' : 'no_fix',
    chosen: null,
    candidates: parts.outcomes,
    localized: parts.localized.files.map((f) => f.path),
    rejectedPaths: parts.localized.rejected,
    tokens: parts.candidates.reduce((sum, c) => addUsage(sum, c.usage), parts.localized.usage),
    model: parts.model,
    provider: deps.llm.name,
    dryRun: input.dryRun ?? false,
  });
}

/**
 * The generate stage: prepare a worktree at the base branch head, rank the repo map, let the
 * model pick files, generate candidates (one repair round each), apply and guard them. Each
 * candidate that applies and passes the guard leaves as `applied`, with its diff, for the
 * validate stage. Model calls already made are taken from `hooks.checkpoint` and not repeated.
 */
export async function runFixPipeline(deps: FixDeps, input: FixInput, hooks: FixHooks = {}): Promise<FixResult> {
  const opts = fixOptions(input.options);
  const signal = hooks.signal;
  const model: ModelAccess = { llm: deps.llm, budget: deps.budget, scopes: { repo: input.repo, ...(input.language ? { language: input.language } : {}) }, signal };
  const start: FixCheckpoint = hooks.checkpoint ? structuredClone(hooks.checkpoint) : { stage: 'prepare', candidates: [] };

  saveCheckpoint(start, 'prepare', hooks);
  const { prepared, context, checkpoint: cp } = await prepareStep({
    cacheDir: deps.cacheDir, repo: input.repo, source: input.source, baseBranch: input.baseBranch, label: String(input.issue.number), checkpoint: start, signal,
  });
  try {
    const worktree = prepared.worktree;
    saveCheckpoint(cp, 'localize', hooks);
    const resumed = cp.localized;
    const localized = resumed ?? await localizeStep({ model, worktree, issue: input.issue, index: context.index, options: opts });
    cp.localized = localized;
    const sources = await readSources(worktree, localized.files);

    saveCheckpoint(cp, 'generate', hooks);
    const testCommand = opts.testCommand ?? context.model.commands.test?.argv;
    const candidates = cp.candidates;
    await generateStep({ model, worktree, issue: input.issue, sources, testCommand, options: opts }, candidates, (c) => {
      candidates.push(c);
      saveCheckpoint(cp, 'generate', hooks);
    });

    saveCheckpoint(cp, 'apply', hooks);
    const outcomes = await applyAndGuard(worktree, candidates);
    const result = fixResultOf(deps, input, {
      commit: prepared.commit, localized, candidates, outcomes, model: lastModel(candidates, resumed ? deps.llm.model : localized.model),
    });
    saveCheckpoint(cp, 'done', hooks);
    return result;
  } finally {
    await prepared.dispose();
  }
}
