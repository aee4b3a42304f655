import { randomUUID } from 'node:crypto';
import { cancellationSignal } from '@temporalio/activity';
import { beating } from './heartbeat.js';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import type { IssueStageActivities, ConsentResult, GenerateFixResult, ValidateFixResult, OpenPullRequestResult, FollowUpResult } from '../workflows/contracts.js';
import type { IssueRef } from '../workflows/shared.js';
import type { FollowUpInput, FollowUpStarted } from '../workflows/follow-up-start.js';
import { createFixActivities, NO_MODEL_MESSAGE, type FixActivityDeps } from './fix.js';
import { classified } from './errors.js';
import { consentTerms } from '../contribute/check-consent.js';
import { checkIssueConsent } from '../contribute/issue-consent.js';
import { IssueCategory } from '../scoring/categories.js';
import { openPullRequest } from '../contribute/contribute.js';
import { followUp } from '../contribute/follow-up.js';
import { findFollowedPrRow } from '../db/pull-requests.js';
import type { GateCaps } from '../contribute/consent/gate.js';
import type { ForgeWriter } from '../forge/writer.js';
import { FixResult, type CandidateOutcome } from '../fix/schema.js';
import { validateCandidates, type ValidateCandidatesDeps, type ValidateCandidatesOptions } from '../fix/validate-candidates.js';
import { chosenFiles, type StoredFile } from '../fix/chosen-files.js';
import { remoteDefaultBranch } from '../fix/prepare/default-branch.js';
import { findIssue } from '../db/issues.js';
import { findFixResult, insertFixResult, updateFixResult } from '../db/fix-results.js';
import { NotFound } from '../errors.js';
import { costUsd, type CallPricing } from '../pricing/prices.js';

export interface IssueStageDeps {
  pool: Pool;
  fix: FixActivityDeps;
  /** Candidates per issue when the workflow leaves it to the worker (GLOBALLM_FIX_CANDIDATES). */
  candidates?: number;
  /** The validate stage: sandbox, prepared environments and test limits. */
  validation: ValidateCandidatesDeps & { options?: Partial<ValidateCandidatesOptions>; openUnproven?: boolean; heartbeatMs?: number };
  /** The write side of the forge an issue lives on. */
  writerFor(forge: IssueRef['forge']): ForgeWriter;
  /** Where the fix stage clones from: a URL for GitHub, a directory for the local forge. */
  sourceFor(ref: IssueRef): { cloneUrl: string } | { localPath: string };
  caps: GateCaps;
  /** Credential values of this deployment, never to be published in a PR. */
  secrets?: readonly string[];
  /** The configured model's price: the PR disclosure's cost, as the budget recorded it. */
  pricing: CallPricing | undefined;
  stateDir?: string;
  ignoredAfterDays?: number;
  /** Starts an opened PR's follow-up workflow (one already running is adopted). */
  startFollowUp(input: FollowUpInput): Promise<FollowUpStarted>;
}

async function loadFix(pool: Pool, fixId: string): Promise<{ result: FixResult; files: StoredFile[]; forge: string; owner: string; name: string }> {
  const row = await findFixResult<StoredFile>(pool, fixId);
  if (!row) throw new NotFound(`no fix result ${fixId}`);
  return { result: FixResult.parse(row.result), files: row.files, forge: row.forge, owner: row.owner, name: row.name };
}

/** Why a candidate never reached validation, in a few words: its status and the first failure or refusal. */
export function whyNotApplied(c: CandidateOutcome): string {
  const first = c.applyFailures[0] ?? c.refused.map((r) => `${r.path}: ${r.reason}`)[0] ?? c.error ?? '';
  return `candidate ${c.index + 1} ${c.status}${first ? ` (${first.slice(0, 200)})` : ''}`;
}

/**
 * The issue workflow's stages past analysis, as thin adapters over the fix and contribute
 * pipelines: inputs are issue references, large artefacts stay in PostgreSQL (fix_results).
 */
export function createIssueStageActivities(deps: IssueStageDeps): Omit<IssueStageActivities, 'analyzeIssue' | 'analysisOnRecord' | 'recordIssueRun'> {
  const fix = createFixActivities(deps.fix);
  return {
    findOwnPullRequest: (ref) => beating(async () => {
      // The PR followed for the issue: ours, or the one a newer fix was to replace before its attempt died.
      const row = await findFollowedPrRow(deps.pool, ref.forge, { owner: ref.owner, name: ref.repo }, ref.number);
      if (!row || row.number === null || (row.state !== 'draft' && row.state !== 'open')) return null;
      return { number: row.number, url: row.url, state: row.state };
    }),

    checkConsent: (ref) => classified(() => beating(async (): Promise<ConsentResult> => {
      const consent = await checkIssueConsent({ pool: deps.pool, forge: deps.writerFor(ref.forge), caps: deps.caps }, ref);
      if ('declined' in consent) return { allowed: false, reason: `maintainer_closed: ${consent.declined}` };
      const { decision, quote } = consent.outcome;
      if (decision.allowed) return { allowed: true };
      return { allowed: false, reason: `${decision.reason}: ${decision.detail}`, ...(quote ? { quote } : {}) };
    })),

    generateFix: async ({ ref, candidates }): Promise<GenerateFixResult> => {
      if (!deps.fix.llm) return { fixId: null, candidates: 0, reason: NO_MODEL_MESSAGE };
      const issue = await findIssue(deps.pool, ref);
      if (!issue) throw ApplicationFailure.nonRetryable(`issue ${ref.owner}/${ref.repo}#${ref.number} is not in the database`, 'NotFound');
      const repo = `${ref.owner}/${ref.repo}`;
      const source = deps.sourceFor(ref);
      const baseBranch = issue.defaultBranch ?? await classified(() => remoteDefaultBranch(source));
      const result = await fix.fixIssue({
        repo, issue: { number: ref.number, title: issue.title, body: issue.body },
        ...source, baseBranch, candidates: candidates > 0 ? candidates : deps.candidates ?? 1,
        ...(issue.language ? { language: issue.language } : {}),
      });
      const applied = result.candidates.filter((c) => c.status === 'applied').length;
      if (applied === 0) return { fixId: null, candidates: result.candidates.length, reason: `no candidate applied cleanly and passed the change guard: ${result.candidates.map(whyNotApplied).join('; ')}` };
      const id = randomUUID();
      await insertFixResult(deps.pool, { id, ref, status: result.status, result });
      return { fixId: id, candidates: applied };
    },

    /**
     * The validate stage, on the sandbox queue: prepares the repository's environment (cached)
     * and runs every candidate before and after in the sandbox, heartbeating between runs;
     * chooses the best by test results and records it with its files for the PR.
     */
    validateFix: ({ ref, fixId }) => classified(async (): Promise<ValidateFixResult> => {
      const { result } = await loadFix(deps.pool, fixId);
      const v = deps.validation;
      const judged: FixResult = result.status !== 'generated' ? result : await beating((beat) => {
        beat({ fixId });
        return validateCandidates(v, { result, source: deps.sourceFor(ref), ...(v.options ? { options: v.options } : {}) }, { signal: cancellationSignal(), onProgress: () => beat() });
      }, v.heartbeatMs);
      const files = await chosenFiles(v.cacheDir, judged);
      await updateFixResult(deps.pool, fixId, judged.status, judged, files);
      const chosen = judged.chosen;
      if (!chosen) return { verdict: 'error', summary: 'no candidate could be validated' };
      const ev = chosen.evidence;
      if (chosen.verdict === 'pass') return { verdict: 'pass', open: true, summary: `fixed ${ev.fixed.length} test(s), ${ev.newTests.length} new, nothing broken` };
      if (chosen.verdict === 'unproven') return { verdict: 'unproven', open: v.openUnproven === true, summary: 'nothing broken, but no test shows the fix' };
      const why = judged.candidates.find((c) => c.index === chosen.index)?.validation?.reasons.join('; ') ?? '';
      return { verdict: chosen.verdict, summary: `sandbox verdict ${chosen.verdict}; broken: ${ev.broken.join(', ') || 'none'}${why ? `; ${why.slice(0, 600)}` : ''}` };
    }),

    openPullRequest: ({ ref, fixId, dryRun, follow }) => classified(() => beating(async (beat): Promise<OpenPullRequestResult> => {
      const { result, files } = await loadFix(deps.pool, fixId);
      const chosen = result.chosen;
      if (!chosen) throw new NotFound(`fix ${fixId} has no chosen candidate`);
      const forge = deps.writerFor(ref.forge);
      const terms = await consentTerms(forge, { owner: ref.owner, name: ref.repo });
      const stored = await findIssue(deps.pool, ref);
      const category = IssueCategory.safeParse(stored?.category);
      const opened = await openPullRequest({ pool: deps.pool, forge, caps: deps.caps, ...(deps.stateDir ? { stateDir: deps.stateDir } : {}), ...(deps.secrets ? { secrets: deps.secrets } : {}) }, {
        forge: ref.forge, repo: { owner: ref.owner, name: ref.repo },
        issue: { number: ref.number, title: result.issue.title, ...(stored ? { id: Number(stored.id) } : {}), ...(category.success ? { category: category.data } : {}) },
        labels: terms.labels, autoMerge: terms.autoMerge, autoMergeAllowed: terms.autoMergeAllowed, ...(terms.maxOpenPrs !== undefined ? { maxOpenPrsInRepo: terms.maxOpenPrs } : {}),
        files: files.map((f) => ({ path: f.path, after: f.after, ...(f.before !== undefined ? { before: f.before } : {}) })),
        // An unproven fix is opened only when the operator allows it, and then says so first.
        summary: chosen.verdict === 'unproven' ? `**Unproven:** this change breaks no test, but no test shows the fix (no test failed before it and passes after it).\n\n${chosen.explanation}` : chosen.explanation,
        evidence: { failedBefore: chosen.evidence.failedBefore, passedAfter: chosen.evidence.passedAfter, newTests: chosen.evidence.newTests, ...(chosen.evidence.testCommand ? { testCommand: chosen.evidence.testCommand } : {}), ...(chosen.evidence.logExcerpt ? { logExcerpt: chosen.evidence.logExcerpt } : {}) },
        disclosure: { model: result.model, inputTokens: result.tokens.inputTokens + result.tokens.cacheReadTokens + result.tokens.cacheWriteTokens, outputTokens: result.tokens.outputTokens, costUsd: deps.pricing ? costUsd(deps.pricing.price, result.tokens) : 0 },
        dryRun,
      }, { wait: { onPoll: (p) => beat({ stage: 'fork', ...p }), signal: cancellationSignal() } });
      switch (opened.status) {
        case 'preview': return { state: 'preview', detail: `saved for review (globallm prs preview ${ref.owner}/${ref.repo}#${ref.number})` };
        case 'skipped': return { state: 'deduped', detail: `${opened.reason}: ${opened.detail}` };
        case 'failed': throw new NotFound(`PR not opened (${opened.reason}): ${opened.message}`);
        default: break;
      }
      // Started here, not only by the workflow: a terminated workflow's PR is followed all the same.
      const followUp = follow ? await deps.startFollowUp({ ...ref, ...follow }) : undefined;
      const url = opened.pull.url ? { url: opened.pull.url } : {};
      const followed = followUp ? { followUp } : {};
      if (opened.status === 'kept') return { state: 'kept', number: opened.pull.number, detail: opened.detail, ...url, ...followed };
      const auto = opened.autoMerge;
      return {
        state: opened.status === 'opened' ? 'draft' : 'updated', ...url, number: opened.pull.number, ...followed, ...(opened.detail ? { detail: opened.detail } : {}),
        ...(auto ? { autoMerge: 'reason' in auto ? `${auto.state}: ${auto.reason}` : auto.state } : {}),
      };
    })),

    followUpPullRequest: ({ ref }) => classified(async (): Promise<FollowUpResult> => {
      const forge = deps.writerFor(ref.forge);
      // The issue's PR: after a newer fix replaced ours, the newer one (keyed by issue, one follow-up follows both in turn).
      const row = await findFollowedPrRow(deps.pool, ref.forge, { owner: ref.owner, name: ref.repo }, ref.number);
      if (!row || row.number === null) return { state: 'gone', done: true };
      const r = await followUp(deps.pool, forge, row, { ignoredAfterDays: deps.ignoredAfterDays ?? 14 });
      const state = r.state === 'merged' ? 'merged' : r.state === 'closed' ? 'closed' : 'open';
      return { state, done: state !== 'open' };
    }),
  };
}
