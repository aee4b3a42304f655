import type { EnvironmentCache } from '../environment/cache.js';
import { prepareEnvironment } from '../environment/prepare.js';
import { logger } from '../log.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { chooseBest, evidenceOf } from './pipeline.js';
import { prepareWorktree } from './prepare/cache.js';
import type { RepoSource } from './prepare/source.js';
import { FixResult, type CandidateOutcome } from './schema.js';
import { validatePatch } from './validate/validate.js';

const log = logger.child({ component: 'validate-candidates' });

export interface ValidateCandidatesDeps {
  sandbox: Sandbox;
  environments: EnvironmentCache;
  /** Mirrors and worktrees (the generate stage's cache). */
  cacheDir: string;
}

export interface ValidateCandidatesOptions {
  /** Overrides the test command detected from the base commit. */
  testCommand?: string[];
  testTimeoutMs: number;
  memoryMb: number;
  cpuSeconds: number;
  diskMb: number;
}

export const DEFAULT_VALIDATE_OPTIONS: ValidateCandidatesOptions = { testTimeoutMs: 600_000, memoryMb: 4096, cpuSeconds: 1200, diskMb: 8192 };

/** What the PR body says of a changed file beyond its path: created, or its line endings converted. */
function changeOf(edits: CandidateOutcome['edits'], path: string): { path: string; note?: string } {
  const mine = edits.filter((e) => e.path === path);
  if (mine.some((e) => e.kind === 'new_file')) return { path, note: 'new file' };
  return mine.some((e) => e.status === 'converted') ? { path, note: 'line endings converted' } : { path };
}

function chosenOf(best: CandidateOutcome): NonNullable<FixResult['chosen']> | null {
  if (!best.validation || !best.verdict) return null;
  const paths = [...new Set(best.edits.map((e) => e.path))];
  return {
    index: best.index, diff: best.diff, explanation: best.explanation ?? '',
    changes: paths.map((p) => changeOf(best.edits, p)),
    verdict: best.verdict, evidence: evidenceOf(best.validation),
  };
}

/**
 * The validate stage: a worktree at the commit the candidates were written against, the
 * repository's environment prepared (or taken from the cache), and every applied candidate
 * judged in the sandbox. The best by test results is chosen; `onProgress` is called between
 * runs so the activity can heartbeat.
 */
export async function validateCandidates(
  deps: ValidateCandidatesDeps,
  input: { result: FixResult; source: RepoSource; options?: Partial<ValidateCandidatesOptions> },
  hooks: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<FixResult> {
  const opts = { ...DEFAULT_VALIDATE_OPTIONS, ...input.options };
  const { result } = input;
  const pending = result.candidates.filter((c) => c.status === 'applied');
  if (pending.length === 0) return FixResult.parse({ ...result, status: 'no_fix', chosen: null });
  const prepared = await prepareWorktree({
    cacheDir: deps.cacheDir, repo: result.repo, source: input.source, baseBranch: result.baseBranch,
    atCommit: result.commit, label: `v${result.issue.number}`, ...(hooks.signal ? { signal: hooks.signal } : {}),
  });
  try {
    const env = await prepareEnvironment({ tree: prepared.worktree, repo: result.repo, sandbox: deps.sandbox, cache: deps.environments, ...(hooks.signal ? { signal: hooks.signal } : {}) });
    const outcomes: CandidateOutcome[] = [];
    let done = 0;
    for (const c of result.candidates) {
      if (c.status !== 'applied') {
        outcomes.push(c);
        continue;
      }
      hooks.signal?.throwIfAborted();
      const validation = env.ok
        ? await validatePatch({
          repo: prepared.worktree, patch: c.diff, sandbox: deps.sandbox, environment: env.env,
          ...(opts.testCommand ? { testCommand: opts.testCommand } : {}),
          timeoutMs: opts.testTimeoutMs, memoryMb: opts.memoryMb, cpuSeconds: opts.cpuSeconds, diskMb: opts.diskMb,
          ...(hooks.signal ? { signal: hooks.signal } : {}),
        })
        : null;
      outcomes.push({ ...c, status: 'validated', validation, verdict: validation?.verdict ?? 'error', error: env.ok ? c.error : env.reason });
      hooks.onProgress?.(++done, pending.length);
    }
    const best = chooseBest(outcomes);
    const chosen = best ? chosenOf(best) : null;
    const status = chosen?.verdict === 'pass' ? 'pass' : chosen?.verdict === 'unproven' ? 'unproven' : 'no_fix';
    log.info({ repo: result.repo, issue: result.issue.number, candidates: pending.length, status }, 'candidates validated');
    return FixResult.parse({
      ...result, status, chosen, candidates: outcomes,
      ...(env.ok ? { environment: { key: env.env.key, cacheHit: env.env.cacheHit, durationMs: env.env.durationMs, notes: env.env.notes } } : {}),
    });
  } finally {
    await prepared.dispose();
  }
}
