import type { z } from 'zod';
import type { BudgetScopes, TokenBudget, TokenUsage } from '../../budget/types.js';
import { BudgetExhausted, GlobaLLMError, RateLimited, Unavailable, UsageError, InvalidModelOutput } from '../../errors.js';
import { logger } from '../../log.js';
import { ModelRefusal, type LlmProvider, type ToolCallRequest, type ToolCallResult } from '../../llm/types.js';
import { OfflineAnalyzer } from '../offline/analyzer.js';
import { AnalyzerName, IssueAnalysis, type IssueInput } from '../schema.js';
import type { IssueAnalyzer, AnalysisOutcome } from '../types.js';
import { renderBatch, renderIssueBlock, renderRepair, TRIAGE_SYSTEM, TRIAGE_TOOL, type RenderedIssue } from './prompt.js';
import { salvageArrayItems } from './salvage.js';
import { TriageItem, TriageToolInput } from './schema.js';
import { splitUsage } from '../../budget/split-usage.js';

export type { AnalysisOutcome } from '../types.js';

export interface LlmAnalyzerOptions {
  provider: LlmProvider;
  budget: TokenBudget;
  /** Used when the budget has no room; the offline analyzer by default. */
  fallback?: IssueAnalyzer;
  /** Issues per model call (a call may hold several repositories' issues; each repository pays its share). */
  batchSize?: number;
  /** Tokens of title and body each issue may use in the prompt. */
  issueTokenCap?: number;
  /** Charged with the repository of each batch. */
  scopes?: BudgetScopes;
  purpose?: string;
  signal?: AbortSignal;
}

export const DEFAULT_BATCH_SIZE = 12;
export const DEFAULT_ISSUE_TOKEN_CAP = 160;
/** Output room per item: a typical item is ~50 tokens, one with five long paths ~110. */
const OUTPUT_TOKENS_PER_ITEM = 110;
const OUTPUT_OVERHEAD = 30;
const MAX_PROBLEMS = 20;
export const BUDGET_EXHAUSTED_NOTE = 'budget exhausted';

type CallOutcome =
  | { kind: 'answer'; result: ToolCallResult }
  | { kind: 'budget'; message: string }
  | { kind: 'refused'; message: string };

/** The issues of one call that are charged to the same repository and language. */
interface Share { scopes: BudgetScopes; refs: number[] }

/** A call's outcome for the refs it was made for, and the refs whose share the budget refused (never sent). */
interface CallResult { refs: number[]; outcome: CallOutcome; denied?: { refs: number[]; message: string } }

interface Collected {
  valid: Map<number, IssueAnalysis>;
  problems: string[];
  missing: number[];
}

function brief(err: z.ZodError): string {
  return err.issues.slice(0, 4).map((i) => `${i.path.length > 0 ? i.path.join('.') : 'value'}: ${i.message}`.slice(0, 90)).join('; ');
}

function refOf(item: unknown): number | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const ref = (item as Record<string, unknown>)['ref'];
  return typeof ref === 'number' && Number.isInteger(ref) ? ref : undefined;
}

function failureOf(err: GlobaLLMError): Extract<AnalysisOutcome, { ok: false }> {
  return err instanceof RateLimited
    ? { ok: false, error: err.message, retryable: true, retryAfterMs: err.retryAfterMs }
    : { ok: false, error: err.message, retryable: err.retryable };
}

/**
 * Analyzes issues with a model: several issues per call as quoted, escaped, token-capped data under
 * one cacheable instruction block; output validated item by item, one repair call for the invalid or
 * missing items, then a recorded failure for each still wrong. Every call is reserved against the
 * token budget first and settled with the API's usage after; no room → the offline analyzer, noted.
 */
export class LlmIssueAnalyzer implements IssueAnalyzer {
  readonly name: string;
  private readonly fallback: IssueAnalyzer;
  readonly batchSize: number;
  private readonly issueTokenCap: number;
  private readonly log = logger.child({ component: 'llm-analyzer' });

  constructor(private readonly options: LlmAnalyzerOptions) {
    this.fallback = options.fallback ?? new OfflineAnalyzer();
    this.batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH_SIZE));
    this.issueTokenCap = Math.max(16, Math.floor(options.issueTokenCap ?? DEFAULT_ISSUE_TOKEN_CAP));
    this.name = this.analyzerName(options.provider.model);
  }

  async analyze(issue: IssueInput): Promise<IssueAnalysis> {
    const [outcome] = await this.analyzeBatch([issue]);
    if (outcome === undefined) throw new Error('no outcome for the issue');
    if (outcome.ok) return outcome.analysis;
    if (outcome.retryAfterMs !== undefined) throw new RateLimited(outcome.error, outcome.retryAfterMs);
    throw outcome.retryable ? new Unavailable(outcome.error) : new InvalidModelOutput(outcome.error);
  }

  /**
   * One outcome per issue, in order. A rate limit or outage stops further calls and marks the rest
   * retryable; a bad key or unknown model (UsageError) and a caller's abort are thrown.
   */
  async analyzeBatch(issues: readonly IssueInput[]): Promise<AnalysisOutcome[]> {
    const results = new Array<AnalysisOutcome | undefined>(issues.length).fill(undefined);
    let halted: AnalysisOutcome | undefined;
    for (const chunk of this.chunks(issues)) {
      if (halted) {
        for (const i of chunk) results[i] = halted;
        continue;
      }
      try {
        await this.runBatch(chunk, issues, results);
      } catch (err) {
        if (!(err instanceof GlobaLLMError) || err instanceof UsageError) throw err;
        const failure = failureOf(err);
        for (const i of chunk) if (results[i] === undefined) results[i] = failure;
        if (err.retryable) halted = failure;
        this.log.warn({ err: err.message, issues: chunk.length }, 'model call failed');
      }
    }
    return results.map((r) => r ?? { ok: false, error: 'not analyzed', retryable: true });
  }

  /**
   * Batches of `batchSize`, a repository's issues kept together (in input order within each), so a
   * call mixes repositories only where one's issues do not fill it: fewer calls, less repeated prefix.
   */
  private chunks(issues: readonly IssueInput[]): number[][] {
    const byRepo = new Map<string, number[]>();
    issues.forEach((issue, i) => byRepo.set(issue.repo ?? '', [...(byRepo.get(issue.repo ?? '') ?? []), i]));
    const ordered = [...byRepo.values()].flat();
    const out: number[][] = [];
    for (let at = 0; at < ordered.length; at += this.batchSize) out.push(ordered.slice(at, at + this.batchSize));
    return out;
  }

  /** The refs of a call grouped by what they are charged to: their repository and its language. */
  private sharesOf(refs: readonly number[], issueAt: (ref: number) => IssueInput): Share[] {
    const byKey = new Map<string, Share>();
    for (const ref of refs) {
      const { repo, language } = issueAt(ref);
      const key = `${repo ?? ''}\u0000${language ?? ''}`;
      const share = byKey.get(key) ?? { scopes: { ...this.options.scopes, ...(repo !== undefined ? { repo } : {}), ...(language ? { language } : {}) }, refs: [] };
      share.refs.push(ref);
      byKey.set(key, share);
    }
    return [...byKey.values()];
  }

  private async runBatch(indices: number[], issues: readonly IssueInput[], results: Array<AnalysisOutcome | undefined>): Promise<void> {
    const issueAt = (ref: number): IssueInput => issues[indices[ref - 1] ?? -1] as IssueInput;
    const blocks: RenderedIssue[] = indices.map((idx, k) => renderIssueBlock(k + 1, issues[idx] as IssueInput, this.issueTokenCap));
    const blocksOf = (refs: readonly number[]): RenderedIssue[] => refs.map((ref) => blocks[ref - 1] as RenderedIssue);
    const set = (ref: number, outcome: AnalysisOutcome): void => {
      const idx = indices[ref - 1];
      if (idx !== undefined) results[idx] = outcome;
    };
    const settle = async (call: CallResult): Promise<Collected | undefined> => {
      if (call.denied) await this.settleRefs(call.denied.refs, { kind: 'budget', message: call.denied.message }, issueAt, set);
      if (call.outcome.kind !== 'answer') return void await this.settleRefs(call.refs, call.outcome, issueAt, set);
      const collected = this.collect(call.outcome.result, call.refs);
      for (const [ref, analysis] of collected.valid) set(ref, { ok: true, analysis });
      return collected;
    };

    const first = await this.call(blocks.map((_, k) => k + 1), issueAt, 1, (refs) => renderBatch(blocksOf(refs)));
    const collected = await settle(first);
    if (!collected || collected.missing.length === 0) return;

    this.log.info({ missing: collected.missing.length, problems: collected.problems.slice(0, 3) }, 'repairing invalid model output');
    const growth = first.outcome.kind === 'answer' && first.outcome.result.stopReason === 'max_tokens' ? 1.5 : 1;
    const second = await this.call(collected.missing, issueAt, growth, (refs) => renderRepair(blocksOf(refs), refs, collected.problems));
    const repaired = await settle(second);
    for (const ref of repaired?.missing ?? []) {
      const mine = repaired?.problems.filter((p) => p.startsWith(`ref ${ref}:`) || !p.startsWith('ref ')) ?? [];
      set(ref, { ok: false, error: `invalid model output after one repair: ${(mine.length > 0 ? mine : repaired?.problems ?? []).join('; ').slice(0, 400)}`, retryable: false });
    }
  }

  private async settleRefs(refs: readonly number[], outcome: Exclude<CallOutcome, { kind: 'answer' }>, issueAt: (ref: number) => IssueInput,
    set: (ref: number, outcome: AnalysisOutcome) => void): Promise<void> {
    if (refs.length === 0) return;
    if (outcome.kind === 'refused') {
      for (const ref of refs) set(ref, { ok: false, error: outcome.message, retryable: false });
      return;
    }
    this.log.warn({ reason: outcome.message, issues: refs.length }, 'token budget exhausted: falling back to the offline analyzer');
    for (const ref of refs) {
      try {
        set(ref, { ok: true, analysis: await this.fallback.analyze(issueAt(ref)), note: BUDGET_EXHAUSTED_NOTE });
      } catch (err) {
        set(ref, { ok: false, error: `${BUDGET_EXHAUSTED_NOTE}; offline analysis failed: ${err instanceof Error ? err.message : String(err)}`, retryable: false });
      }
    }
  }

  private request(content: string, items: number, growth: number): ToolCallRequest {
    return {
      system: TRIAGE_SYSTEM,
      messages: [{ role: 'user', content }],
      tool: TRIAGE_TOOL,
      maxTokens: Math.ceil((OUTPUT_OVERHEAD + OUTPUT_TOKENS_PER_ITEM * items) * growth),
      ...(this.options.signal ? { signal: this.options.signal } : {}),
    };
  }

  /**
   * One model call for `refs` under one budget reservation per share (repository and language),
   * each holding its issues' part of the call's bound. A share the budget refuses is left out of the
   * call; the usage is split among the shares by issue count, so the parts add up to what the API charged.
   */
  private async call(refs: readonly number[], issueAt: (ref: number) => IssueInput, growth: number, render: (refs: readonly number[]) => string): Promise<CallResult> {
    const { provider, budget } = this.options;
    const full = this.request(render(refs), refs.length, growth);
    const bound = provider.estimateInputTokens(full) + full.maxTokens;
    const held: Array<{ share: Share; id: string }> = [];
    const denied: number[] = [];
    let reason = '';
    for (const share of this.sharesOf(refs, issueAt)) {
      const part = share.refs.length / refs.length;
      try {
        const r = await budget.reserve({ tokens: Math.ceil(bound * part), outputTokens: Math.ceil(full.maxTokens * part), scopes: share.scopes, purpose: this.options.purpose ?? 'triage' });
        held.push({ share, id: r.id });
      } catch (err) {
        if (!(err instanceof BudgetExhausted)) {
          await Promise.all(held.map((h) => budget.release(h.id)));
          throw err;
        }
        denied.push(...share.refs);
        reason ||= err.message;
      }
    }
    const sent = held.flatMap((h) => h.share.refs).sort((a, b) => a - b);
    const deniedPart = denied.length > 0 ? { denied: { refs: denied, message: reason } } : {};
    if (held.length === 0) return { refs: [], outcome: { kind: 'budget', message: reason }, ...deniedPart };
    const request = denied.length === 0 ? full : this.request(render(sent), sent.length, growth);
    const charge = (usage: TokenUsage): Promise<unknown> => {
      const parts = splitUsage(usage, held.map((h) => h.share.refs.length));
      return Promise.all(held.map((h, i) => budget.settle(h.id, parts[i] ?? usage)));
    };
    let result: ToolCallResult;
    try {
      // The provider can be asked for this call by its first hold: charged the whole call's usage when a
      // dead worker never recorded it, while the other holds find nothing stored and are freed.
      result = await provider.callTool({ ...request, ...(held[0] ? { reservationId: held[0].id } : {}) });
    } catch (err) {
      if (err instanceof ModelRefusal) {
        await charge(err.usage);
        return { refs: sent, outcome: { kind: 'refused', message: err.message }, ...deniedPart };
      }
      await Promise.all(held.map((h) => budget.release(h.id)));
      throw err;
    }
    await charge(result.usage);
    return { refs: sent, outcome: { kind: 'answer', result }, ...deniedPart };
  }

  private collect(result: ToolCallResult, expected: readonly number[]): Collected {
    const wanted = new Set(expected);
    const problems: string[] = [];
    const valid = new Map<number, IssueAnalysis>();
    const flagged = new Set<number>();
    let items: unknown[] = [];
    if (result.input !== undefined) {
      const parsed = TriageToolInput.safeParse(result.input);
      if (parsed.success) items = parsed.data.a;
      else problems.push(`tool input: ${brief(parsed.error)}`);
    } else if (result.rawInput !== undefined) {
      items = salvageArrayItems(result.rawInput);
    } else {
      problems.push('no triage call was made');
    }
    if (result.stopReason === 'max_tokens') problems.push('the answer was cut off at max_tokens: keep items short');
    const analyzer = this.analyzerName(result.model);
    for (const [j, item] of items.entries()) {
      const ref = refOf(item);
      if (ref !== undefined && (!wanted.has(ref) || valid.has(ref))) continue;
      const parsed = TriageItem.safeParse(item);
      if (!parsed.success) {
        problems.push(ref === undefined ? `item ${j + 1}: ${brief(parsed.error)}` : `ref ${ref}: ${brief(parsed.error)}`);
        if (ref !== undefined) flagged.add(ref);
        continue;
      }
      const it = parsed.data;
      const analysis = IssueAnalysis.safeParse({
        category: it.cat,
        critical: it.crit,
        complexity: it.cx,
        solvability: it.solv / 10,
        affectedFiles: [...new Set(it.files)],
        breakingChangeRisk: it.risk,
        testNeeded: it.test,
        rationale: it.why,
        analyzer,
        confidence: it.conf / 10,
      });
      if (!analysis.success) {
        problems.push(`ref ${it.ref}: ${brief(analysis.error)}`);
        flagged.add(it.ref);
        continue;
      }
      valid.set(it.ref, analysis.data);
    }
    const missing = expected.filter((ref) => !valid.has(ref));
    for (const ref of missing) if (!flagged.has(ref)) problems.push(`ref ${ref}: missing`);
    return { valid, problems: problems.slice(0, MAX_PROBLEMS), missing };
  }

  private analyzerName(model: string): string {
    const name = `llm:${model}`;
    return AnalyzerName.safeParse(name).success ? name : 'llm';
  }
}
