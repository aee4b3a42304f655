/**
 * The contribute pipeline: dedupe just before opening, fork, one commit, a draft PR with evidence
 * and disclosure, and a pull_requests row keyed so that a retried activity finds its own branch
 * and PR instead of opening another: the same change is never committed twice, and another fix for
 * an issue whose PR is open is not pushed (the PR is kept). `dryRun` does everything except forge writes.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { isRetryable, SandboxViolation, UsageError } from '../errors.js';
import { unifiedDiff } from '../fix/edits/apply.js';
import type { RepoRef } from '../forge/types.js';
import { branchName, type ExistingWork, type FileChange, type ForgeWriter, type ForkRef, type PullSummary, type WaitOptions } from '../forge/writer.js';
import { describeModel } from '../llm/scripted.js';
import { logger } from '../log.js';
import type { GateCaps } from './consent/gate.js';
import { escapeInline } from './markdown.js';
import { renderPrBody } from './pr-body.js';
import { savePreview } from './preview.js';
import { ContributionRequest, type ParsedContributionRequest } from './schema.js';
import { declinedReason, findDeclined } from '../db/declined-issues.js';
import { offerAutoMerge, type AutoMergeOutcome } from './auto-merge.js';
import { findPrRow, recordOutcome, updatePrRow, upsertPrRow, type PrRow } from '../db/pull-requests.js';
import { recordConsent } from '../db/consent-decisions.js';
import { releasePrSlot, takePrSlot, type SlotKey } from '../db/pr-slots.js';

const log = logger.child({ component: 'contribute' });

export interface ContributeDeps {
  pool: Pool;
  forge: ForgeWriter;
  caps: GateCaps;
  /** Where dry-run previews are written (optional: the row holds them too). */
  stateDir?: string;
  /** Credential values of this deployment: a PR whose title, body or patch holds one is never opened or saved. */
  secrets?: readonly string[];
}

/** The first credential a text would publish (values under 8 characters are too common to judge). */
export function leakedSecret(texts: readonly string[], secrets: readonly string[]): string | undefined {
  return secrets.filter((v) => v.length >= 8).find((v) => texts.some((t) => t.includes(v)));
}

export type SkipReason = 'maintainer_closed' | 'issue_closed' | 'linked_pr' | 'assigned' | 'claimed' | 'repo_pr_cap' | 'owner_pr_cap';

export type OpenResult =
  | { status: 'preview'; row: PrRow; files?: { body: string; patch: string } }
  | { status: 'opened' | 'updated' | 'unchanged'; row: PrRow; pull: PullSummary; autoMerge: AutoMergeOutcome | null }
  | { status: 'kept'; row: PrRow; pull: PullSummary; detail: string }
  | { status: 'skipped'; reason: SkipReason; detail: string }
  | { status: 'failed'; reason: 'no_commits' | 'invalid' | 'empty_repository'; message: string; row: PrRow };

/** A title for the PR: the issue title, flattened, never a mention or a reference. */
export function prTitle(issue: { number: number; title: string }): string {
  const t = escapeInline(issue.title, 100).replace(/\\/g, '');
  return `Fix #${issue.number}: ${t}`.slice(0, 120);
}

function patchOf(req: ParsedContributionRequest): string {
  return unifiedDiff(req.files.map((f) => ({ path: f.path, before: f.before, after: f.after ?? '' })));
}

function bodyOf(req: ParsedContributionRequest): string {
  return renderPrBody({
    issue: { number: req.issue.number, title: req.issue.title },
    summary: req.summary,
    changes: req.files.map((f) => ({ path: f.path, ...(f.note ? { note: f.note } : f.after === null ? { note: 'deleted' } : {}) })),
    evidence: req.evidence,
    disclosure: req.disclosure,
  });
}

function commitMessage(req: ParsedContributionRequest): string {
  return `${prTitle(req.issue)}\n\nFixes #${req.issue.number}\n\nWritten by an AI model (${describeModel(req.disclosure.model)}) and opened by GlobaLLM.`;
}

export function parseRequest(raw: unknown): ParsedContributionRequest {
  const parsed = ContributionRequest.safeParse(raw);
  if (!parsed.success) throw new UsageError(`invalid contribution request: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

function dedupe(existing: ExistingWork): { reason: SkipReason; detail: string } | null {
  if (!existing.issueOpen) return { reason: 'issue_closed', detail: 'the issue is closed' };
  const linked = existing.linkedByOthers[0];
  if (linked) return { reason: 'linked_pr', detail: `#${linked.number} by ${linked.author ?? 'someone'} is linked (${linked.state.toLowerCase()})` };
  if (existing.assignees.length > 0) return { reason: 'assigned', detail: `assigned to ${existing.assignees.join(', ')}` };
  if (existing.claimedBy.length > 0) return { reason: 'claimed', detail: `${existing.claimedBy.join(', ')} said they are working on it` };
  return null;
}

async function recordFailure(pool: Pool, row: PrRow, stage: string, err: unknown): Promise<void> {
  const retryable = isRetryable(err);
  const message = err instanceof Error ? err.message : String(err);
  await updatePrRow(pool, row.id, { state: retryable ? 'pending' : 'failed', last_error: { stage, message: message.slice(0, 2000), retryable } }).catch((e: unknown) => log.error({ err: e }, 'could not record a contribute failure'));
}

/** Puts the consent file's labels on a PR we just opened; a refusal is logged, never fatal. */
async function labelPull(deps: ContributeDeps, row: PrRow, repo: RepoRef, number: number, labels: readonly string[]): Promise<PrRow> {
  if (labels.length === 0) return row;
  try {
    await deps.forge.addLabels(repo, number, labels);
  } catch (err) {
    log.warn({ err, repo, number }, 'labels could not be added');
    return row;
  }
  return updatePrRow(deps.pool, row.id, { labels: [...labels] });
}

/** What a run whose fix differs from our open PR's gets: the PR as it is, and how to replace it. */
function keepOpenPull(row: PrRow, pull: PullSummary, req: ParsedContributionRequest): OpenResult {
  const target = `${req.repo.owner}/${req.repo.name}#${req.issue.number}`;
  const detail = `our PR #${pull.number} is already open with an earlier fix; this run's fix was not pushed. `
    + `To replace it, close the PR (globallm prs close ${target}) and start the issue again.`;
  log.info({ repo: req.repo, number: pull.number }, 'kept our open PR: its fix differs from this run\'s');
  return { status: 'kept', row, pull, detail };
}

export interface OpenHooks {
  /** Fork waits: heartbeats and cancellation. */
  wait?: WaitOptions;
}

const slotKey = (req: ParsedContributionRequest): SlotKey => ({ forge: req.forge, owner: req.repo.owner, name: req.repo.name, issueNumber: req.issue.number });

/**
 * Opens (or, when ours already exists, updates) the draft PR for one fixed issue. Idempotent. A
 * new PR first takes a slot under the PR caps; it is freed when the attempt ends, by which time an
 * opened PR is on record and counts as open itself.
 */
export async function openPullRequest(deps: ContributeDeps, raw: ContributionRequest, hooks: OpenHooks = {}): Promise<OpenResult> {
  const req = parseRequest(raw);
  try {
    return await openParsed(deps, req, hooks);
  } finally {
    // A slot left behind (the database gone for the moment) lapses by itself.
    if (!req.dryRun) await releasePrSlot(deps.pool, slotKey(req)).catch((err: unknown) => log.warn({ err, repo: req.repo }, 'could not free the PR slot'));
  }
}

async function openParsed(deps: ContributeDeps, req: ParsedContributionRequest, hooks: OpenHooks): Promise<OpenResult> {
  if (req.forge !== deps.forge.kind) throw new UsageError(`request for forge ${req.forge} given to the ${deps.forge.kind} writer`);
  const repo: RepoRef = req.repo;
  const key = req.idempotencyKey ?? `${req.forge}:${repo.owner}/${repo.name}#${req.issue.number}`.toLowerCase();
  const title = prTitle(req.issue);
  const body = bodyOf(req);
  const patch = patchOf(req);
  const branch = branchName(req.issue.number, req.issue.title);
  const base = { forge: req.forge, repo, issueNumber: req.issue.number, issueId: req.issue.id, branch, title, body, patch, category: req.issue.category, idempotencyKey: key, evidence: req.evidence, tokens: req.disclosure };
  // Checked on the raw texts as well: the rendered body escapes Markdown, which would hide a value.
  if (leakedSecret([title, body, patch, req.summary, ...req.files.map((f) => f.after ?? '')], deps.secrets ?? [])) {
    throw new SandboxViolation('the pull request would publish a credential of this deployment (in its title, body or patch); refused');
  }
  let row = await findPrRow(deps.pool, req.forge, repo, req.issue.number);

  if (req.dryRun) {
    // A real PR row is never downgraded to a preview; the preview is still saved as files.
    if (!row || row.number === null) row = await upsertPrRow(deps.pool, { ...base, state: 'preview' });
    const files = deps.stateDir ? await savePreview(deps.stateDir, req.forge, repo, req.issue.number, body, patch) : undefined;
    return { status: 'preview', row, ...(files ? { files } : {}) };
  }

  const existing = await deps.forge.findExisting(repo, req.issue.number, branch);
  let own: PullSummary | null = existing.ownPull?.state === 'OPEN' ? existing.ownPull : null;
  if (!own) {
    const declined = await findDeclined(deps.pool, req.forge, repo, req.issue.number);
    const dup = declined ? { reason: 'maintainer_closed' as const, detail: declinedReason(declined) } : dedupe(existing);
    if (dup) {
      await recordConsent(deps.pool, { forge: req.forge, repo, issueNumber: req.issue.number, allowed: false, reason: `duplicate:${dup.reason}`, detail: dup.detail });
      if (row?.state === 'preview' || row?.state === 'pending') await updatePrRow(deps.pool, row.id, { state: 'failed', last_error: { stage: 'dedupe', message: dup.detail, retryable: false } });
      return { status: 'skipped', ...dup };
    }
    // A run gone meanwhile (terminated, reset) opens nothing new from here: it could not decide on it.
    hooks.wait?.signal?.throwIfAborted();
    // The caps, checked and a slot taken atomically: parallel workers cannot both pass one cap.
    const slot = await takePrSlot(deps.pool, {
      ...slotKey(req), caps: { repo: req.maxOpenPrsInRepo ?? deps.caps.maxOpenPrsPerRepo, owner: deps.caps.maxOpenPrsPerOwner },
      forgeCounts: { inRepo: existing.openPrsInRepo, forOwner: existing.openPrsForOwner },
    });
    if (!slot.taken) {
      await recordConsent(deps.pool, { forge: req.forge, repo, issueNumber: req.issue.number, allowed: false, reason: slot.reason, detail: `${slot.reason}: ${slot.detail}` });
      return { status: 'skipped', reason: slot.reason, detail: slot.detail };
    }
  }

  // Our PR is open with another fix (a run reset to before its fix was made): one PR, one commit.
  if (own && row && row.number !== null && row.patch !== null && row.patch !== patch) return keepOpenPull(row, own, req);

  const keepHead = row?.head_oid ?? null;
  const samePatch = row?.patch === patch;
  const sameBody = row?.body === body && row.state !== 'preview';
  row = await upsertPrRow(deps.pool, { ...base, state: row && row.number !== null && own ? row.state : 'pending' });
  if (!existing.upstreamBaseOid) {
    row = await updatePrRow(deps.pool, row.id, { state: 'failed', last_error: { stage: 'base', message: 'the repository has no default branch', retryable: false } });
    return { status: 'failed', reason: 'empty_repository', message: 'the repository has no default branch', row };
  }

  let fork: ForkRef;
  try {
    fork = existing.fork ?? (await deps.forge.ensureFork(repo, hooks.wait));
  } catch (err) {
    await recordFailure(deps.pool, row, 'fork', err);
    throw err;
  }

  // Our change is already on the branch when the branch head is the commit we recorded for this patch.
  const branchHead = existing.ownBranchOid ?? own?.headOid ?? null;
  let headOid = branchHead;
  let committed = false;
  if (!(samePatch && keepHead !== null && branchHead === keepHead)) {
    try {
      const changes: FileChange[] = req.files.map((f) => ({ path: f.path, contents: f.after }));
      const c = await deps.forge.commitFiles(fork, branch, { baseOid: existing.upstreamBaseOid, headOid: branchHead, syncBranch: fork.defaultBranch }, changes, commitMessage(req));
      committed = c.oid !== branchHead; // the branch may hold our change already (an attempt whose record was lost)
      headOid = c.oid;
      row = await updatePrRow(deps.pool, row.id, { head_owner: fork.owner, head_oid: c.oid });
      if (branchHead !== null && !c.branchCreated && own) log.info({ repo, branch }, 'committed onto our existing branch');
    } catch (err) {
      await recordFailure(deps.pool, row, 'commit', err);
      throw err;
    }
  }

  if (!own) {
    // Always a draft first: auto-merge (when the repository opted in) marks it ready afterwards.
    const opened = await deps.forge.openDraftPullRequest({ upstream: repo, baseBranch: existing.upstreamDefaultBranch, headOwner: fork.owner, branch, title, body, draft: true, issueNumber: req.issue.number }).catch(async (err: unknown) => {
      if (row) await recordFailure(deps.pool, row, 'pull_request', err);
      throw err;
    });
    if (opened.ok) {
      own = opened.pull;
      row = await updatePrRow(deps.pool, row.id, { state: own.isDraft ? 'draft' : 'open', number: own.number, url: own.url, node_id: own.nodeId ?? null, head_owner: fork.owner, ...(headOid ? { head_oid: headOid } : {}), last_error: null });
      row = await labelPull(deps, row, repo, own.number, req.labels);
      log.info({ repo, number: own.number, branch }, 'pull request opened');
      const auto = await offerAutoMerge(deps, row, repo, { ...own, ...(headOid ? { headOid } : {}) }, req);
      return { status: 'opened', row: auto.row, pull: own, autoMerge: auto.outcome };
    }
    if (opened.reason !== 'already_exists') {
      row = await updatePrRow(deps.pool, row.id, { state: 'failed', last_error: { stage: 'pull_request', message: opened.message, retryable: false } });
      return { status: 'failed', reason: opened.reason, message: opened.message, row };
    }
    // 422 "already exists": ours from an earlier attempt whose answer was lost. Adopt it.
    own = await deps.forge.findOwnPullRequest(repo, fork.owner, branch);
    if (!own) {
      row = await updatePrRow(deps.pool, row.id, { state: 'failed', last_error: { stage: 'pull_request', message: opened.message, retryable: true } });
      return { status: 'failed', reason: 'invalid', message: opened.message, row };
    }
    committed = true; // the adopted PR's body may be older than ours
  }

  const bodyChanged = committed || !sameBody;
  if (bodyChanged) await deps.forge.updatePullRequest(repo, own.number, { title, body });
  row = await updatePrRow(deps.pool, row.id, { state: own.isDraft ? 'draft' : 'open', number: own.number, url: own.url, node_id: own.nodeId ?? row.node_id, head_owner: fork.owner, ...(headOid ? { head_oid: headOid } : {}), last_error: null });
  if (bodyChanged) await recordOutcome(deps.pool, row.id, 'updated', { head: headOid, patchSha: createHash('sha256').update(patch).digest('hex').slice(0, 16) });
  // An attempt whose answer was lost may have opened the PR without asking for auto-merge.
  const auto = await offerAutoMerge(deps, row, repo, { ...own, ...(headOid ? { headOid } : {}) }, req);
  return { status: bodyChanged ? 'updated' : 'unchanged', row: auto.row, pull: own, autoMerge: auto.outcome };
}
