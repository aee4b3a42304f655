import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { BudgetScopes, TokenBudget, TokenUsage } from '../budget/types.js';
import { GlobaLLMError } from '../errors.js';
import type { LlmProvider } from '../llm/types.js';
import { logger } from '../log.js';
import { applyEdits, describeFailures, type ApplyResult } from './edits/apply.js';
import { normalizeRepoPath } from './edits/repo-path.js';
import { Edit, editKind } from './edits/schema.js';
import type { ModelCallContext } from './generate/call.js';
import { generateCandidate, repairCandidate, type Generated, type SourceFile } from './generate/generate.js';
import type { IssueText } from './generate/untrusted.js';
import { readWorktreeFile } from './localize/files.js';
import { localize } from './localize/localize.js';
import { guardChanges } from './policy/guard.js';
import { prepareWorktree, type PreparedWorktree } from './prepare/cache.js';
import { loadRepoContext } from './prepare/repo-context.js';
import type { RepoSource } from './prepare/source.js';
import { issueMentions } from './repo-map/mentions.js';
import { rankFiles } from './repo-map/rank.js';
import { fitRepoMap } from './repo-map/render.js';
import { codeSearch } from './repo-map/search.js';
import {
  FixResult, type CandidateOutcome, type FixCheckpoint, type FixEvidence, type GeneratedCandidate, type LocalizedFiles, type Refused,
} from './schema.js';
import type { ValidationReport } from './validate/schema.js';

const log = logger.child({ component: 'fix' });

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

const ZERO: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
const add = (a: TokenUsage, b: TokenUsage): TokenUsage => ({
  inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens,
  cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens, cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
});

const Envelope = z.object({ explanation: z.string().max(20_000), edits: z.array(z.unknown()).min(1).max(50) });

/**
 * Splits model output into usable edits and refused paths: an edit naming a path outside the
 * repository is recorded as refused instead of failing the whole answer.
 */
export function splitModelOutput(raw: unknown): { explanation: string; edits: Edit[]; refused: Refused[] } {
  const env = Envelope.safeParse(raw);
  if (!env.success) throw new InvalidOutput(`model edits failed validation: ${env.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const edits: Edit[] = [];
  const refused: Refused[] = [];
  env.data.edits.forEach((e, i) => {
    const rawPath = e && typeof e === 'object' && 'path' in e && typeof e.path === 'string' ? e.path : undefined;
    const normal = rawPath === undefined ? undefined : normalizeRepoPath(rawPath);
    if (rawPath !== undefined && normal && !normal.ok) {
      refused.push({ path: rawPath.slice(0, 300), reason: `path outside the repository: ${normal.reason}` });
      return;
    }
    const parsed = Edit.safeParse(e);
    if (!parsed.success) throw new InvalidOutput(`edit ${i + 1} failed validation: ${parsed.error.issues.slice(0, 2).map((x) => x.message).join('; ')}`);
    edits.push(parsed.data);
  });
  return { explanation: env.data.explanation, edits, refused };
}

class InvalidOutput extends Error {}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Contents of every existing file the edits name, and which of them sit on a symlink. */
async function filesFor(worktree: string, edits: readonly Edit[]): Promise<{ files: Map<string, string>; symlinks: Set<string> }> {
  const files = new Map<string, string>();
  const symlinks = new Set<string>();
  for (const e of edits) {
    if (files.has(e.path) || symlinks.has(e.path)) continue;
    let cur = worktree;
    for (const part of e.path.split('/')) {
      cur = path.join(cur, part);
      const st = await lstat(cur).catch(() => null);
      if (!st) break;
      if (st.isSymbolicLink()) {
        symlinks.add(e.path);
        break;
      }
    }
    const read = symlinks.has(e.path) ? null : await readWorktreeFile(worktree, e.path);
    if (read) files.set(read.path, read.text);
  }
  return { files, symlinks };
}

function changedLines(diff: string): number {
  return diff.split('\n').filter((l) => /^[+-](?![+-]{2} )/.test(l)).length;
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

/**
 * The generate stage: prepare a worktree at the base branch head, rank the repo map, let the
 * model pick files, generate candidates (one repair round each), apply and guard them. Each
 * candidate that applies and passes the guard leaves as `applied`, with its diff, for the
 * validate stage. Model calls already made are taken from `hooks.checkpoint` and not repeated.
 */
export async function runFixPipeline(deps: FixDeps, input: FixInput, hooks: FixHooks = {}): Promise<FixResult> {
  const opts: FixOptions = { ...DEFAULT_FIX_OPTIONS, ...input.options };
  if (!Number.isInteger(opts.candidates) || opts.candidates < 1 || opts.candidates > 8) throw new RangeError('candidates must be between 1 and 8');
  const signal = hooks.signal;
  const cp: FixCheckpoint = hooks.checkpoint ? structuredClone(hooks.checkpoint) : { stage: 'prepare', candidates: [] };
  const save = (stage: FixCheckpoint['stage']): void => {
    cp.stage = stage;
    hooks.onCheckpoint?.(structuredClone(cp));
  };
  const scopes: BudgetScopes = { repo: input.repo, ...(input.language ? { language: input.language } : {}) };
  let lastModel = deps.llm.model;
  const ctx = (onUsage: (u: TokenUsage) => void): ModelCallContext => ({ llm: deps.llm, budget: deps.budget, scopes, signal, onUsage });

  save('prepare');
  const prepared: PreparedWorktree = await prepareWorktree({
    cacheDir: deps.cacheDir, repo: input.repo, source: input.source, baseBranch: input.baseBranch, label: String(input.issue.number), signal,
  });
  try {
    if (cp.commit !== undefined && cp.commit !== prepared.commit) {
      // The branch moved since the checkpoint: earlier model output was written against other code.
      log.warn({ repo: input.repo, was: cp.commit, now: prepared.commit }, 'base branch moved; discarding the checkpoint');
      cp.localized = undefined;
      cp.candidates = [];
    }
    cp.commit = prepared.commit;
    const worktree = prepared.worktree;
    const { context } = await loadRepoContext({ cacheDir: deps.cacheDir, repo: input.repo, commit: prepared.commit, worktree, ...(signal ? { signal } : {}) });

    // Localize
    save('localize');
    let localized: LocalizedFiles;
    if (cp.localized) {
      localized = cp.localized;
    } else {
      const mentions = issueMentions(`${input.issue.title}\n${input.issue.body}`);
      const hits = await codeSearch(worktree, mentions.identifiers, signal ? { signal } : {});
      const ranked = rankFiles(context.index, mentions, hits);
      const map = fitRepoMap(ranked, opts.mapTokens);
      let usage = ZERO;
      const r = await localize(ctx((u) => { usage = add(usage, u); }), { worktree, issue: input.issue, map, hits, maxFiles: opts.maxFiles, issueTokens: opts.issueTokens });
      localized = { files: r.files, rejected: r.rejected, usage, model: r.model };
      lastModel = r.model;
      cp.localized = localized;
    }
    const sources: SourceFile[] = [];
    for (const f of localized.files) {
      const read = await readWorktreeFile(worktree, f.path);
      if (read) sources.push(read);
    }

    // Generate (+ one repair round each)
    save('generate');
    const testCommand = opts.testCommand ?? context.model.commands.test?.argv;
    for (let i = 0; i < opts.candidates; i++) {
      if (cp.candidates.some((c) => c.index === i)) continue;
      signal?.throwIfAborted();
      cp.candidates.push(await produceCandidate(i));
      save('generate');
    }

    async function produceCandidate(index: number): Promise<GeneratedCandidate> {
      let usage = ZERO;
      let model: string | null = null;
      const c = ctx((u) => { usage = add(usage, u); });
      const done = (g: Partial<GeneratedCandidate>): GeneratedCandidate => ({ index, explanation: null, edits: [], refusedPaths: [], repaired: false, error: null, model, usage, ...g });
      let generated: Generated;
      let split: ReturnType<typeof splitModelOutput>;
      try {
        generated = await generateCandidate(c, { issue: input.issue, files: sources, candidate: index, candidates: opts.candidates, issueTokens: opts.issueTokens, maxTokens: opts.maxOutputTokens, testCommand });
        model = generated.model;
        split = splitModelOutput(generated.raw);
      } catch (err) {
        if (!isModelOutputProblem(err)) throw err;
        return done({ error: message(err) });
      }
      if (split.edits.length === 0) return done({ explanation: split.explanation, refusedPaths: split.refused });
      const { files } = await filesFor(worktree, split.edits);
      const first = applyEdits(files, split.edits);
      if (first.results.every((r) => r.status !== 'failed')) return done({ explanation: split.explanation, edits: split.edits, refusedPaths: split.refused });
      // One repair round with the nearest lines; the answer replaces the whole edit list.
      try {
        const repaired = await repairCandidate(c, { ...generated, raw: { explanation: split.explanation, edits: split.edits } }, describeFailures(first.results), opts.maxOutputTokens, index);
        model = repaired.model;
        const again = splitModelOutput(repaired.raw);
        return done({ explanation: again.explanation, edits: again.edits, refusedPaths: [...split.refused, ...again.refused], repaired: true });
      } catch (err) {
        if (!isModelOutputProblem(err)) throw err;
        return done({ explanation: split.explanation, edits: split.edits, refusedPaths: split.refused, repaired: true, error: `repair failed: ${message(err)}` });
      }
    }

    // Apply and guard
    save('apply');
    const outcomes: CandidateOutcome[] = [];
    for (const g of [...cp.candidates].sort((a, b) => a.index - b.index)) {
      if (g.model) lastModel = g.model;
      outcomes.push(await judge(g));
    }

    async function judge(g: GeneratedCandidate): Promise<CandidateOutcome> {
      const base: CandidateOutcome = {
        index: g.index, status: 'invalid_output', explanation: g.explanation, repaired: g.repaired, edits: [], applyFailures: [],
        refused: [...g.refusedPaths], diff: '', changedLines: 0, validation: null, verdict: null, error: g.error,
      };
      if (g.edits.length === 0) return { ...base, status: g.error !== null ? 'invalid_output' : g.refusedPaths.length > 0 ? 'refused' : 'empty' };
      const { files, symlinks } = await filesFor(worktree, g.edits);
      const applied: ApplyResult = applyEdits(files, g.edits);
      const edits = g.edits.map((e, i) => ({ path: e.path, kind: editKind(e), status: applied.results[i]?.status ?? 'failed' }));
      const failures = applied.results.filter((r) => r.status === 'failed');
      if (failures.length > 0) {
        return { ...base, status: 'apply_failed', edits, applyFailures: failures.map((f) => `${f.path}: ${'message' in f ? f.message : 'failed'}`) };
      }
      const guard = guardChanges(applied.changes.map((ch) => ({ ...ch, isSymlink: symlinks.has(ch.path) })));
      const refused = [...base.refused, ...guard.refused];
      // Policy: a candidate with any refused edit is dropped whole, never stripped — a fix that
      // wanted to touch CI, dependencies or credentials is not one to half-apply.
      if (refused.length > 0) return { ...base, status: 'refused', edits, refused };
      if (applied.changes.length === 0) return { ...base, status: 'empty', edits };
      return { ...base, status: 'applied', edits, diff: applied.diff, changedLines: changedLines(applied.diff) };
    }

    const tokens = cp.candidates.reduce((sum, c) => add(sum, c.usage), localized.usage);
    const result = FixResult.parse({
      repo: input.repo,
      issue: { number: input.issue.number, title: input.issue.title },
      commit: prepared.commit,
      baseBranch: input.baseBranch,
      status: outcomes.some((o) => o.status === 'applied') ? 'generated' : 'no_fix',
      chosen: null,
      candidates: outcomes,
      localized: localized.files.map((f) => f.path),
      rejectedPaths: localized.rejected,
      tokens,
      model: lastModel,
      provider: deps.llm.name,
      dryRun: input.dryRun ?? false,
    });
    save('done');
    return result;
  } finally {
    await prepared.dispose();
  }
}

function isModelOutputProblem(err: unknown): boolean {
  return err instanceof InvalidOutput || (err instanceof GlobaLLMError && err.code === 'INVALID_MODEL_OUTPUT');
}
