/**
 * The contribute pipeline: dedupe just before opening, fork, one commit, a draft PR with evidence
 * and disclosure, and a pull_requests row keyed so that a retried activity finds its own branch
 * and PR instead of opening another: the same change is never committed twice. Another fix for an
 * issue whose PR is open replaces that PR (./supersede.ts). `dryRun` does everything except forge writes.
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
import { findPrRow, insertSupersedingRow, isLivePr, openSupersededRows, recordOutcome, updatePrRow, upsertPrRow, type PrRow, type PrRowInput } from '../db/pull-requests.js';
import { followUp } from './follow-up.js';
import { closeSuperseded, describeClosing, supersedingBranch } from './supersede.js';
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
  | { status: 'opened' | 'updated' | 'unchanged'; row: PrRow; pull: PullSummary; autoMerge: AutoMergeOutcome | null; detail?: string }
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

/** What a run whose fix would replace our open PR gets when the issue no longer wants a new PR: the PR as it is. */
function keepOpenPull(row: PrRow, pull: PullSummary, why: string): OpenResult {
  const detail = `our PR #${pull.number} stays open with its earlier fix; this run's fix was not opened: ${why}`;
  log.info({ repo: { owner: row.owner, name: row.name }, number: pull.number, why }, 'kept our open PR');
  return { status: 'kept', row, pull, detail };
}

/** What this run records of its PR, but its state. */
type RowFields = Omit<PrRowInput, 'state'>;

/** Where this run's fix goes: the issue's branch, or a branch of its own when it replaces our open PR (`replaces`). */
interface BranchPlan { branch: string; replaces: (PrRow & { number: number }) | null }

async function planBranch(pool: Pool, row: PrRow | null, patch: string, issueBranch: string): Promise<BranchPlan> {
  if (row && isLivePr(row) && row.patch !== null && row.patch !== patch) return { branch: supersedingBranch(issueBranch, patch), replaces: row };
  // A replacement recorded by an earlier attempt whose new PR is not open yet: carried on.
  const owed = row && row.number === null ? (await openSupersededRows(pool, row.id))[0] : undefined;
  if (owed) return { branch: supersedingBranch(issueBranch, patch), replaces: owed };
  return { branch: row?.patch === patch ? row.branch : issueBranch, replaces: null };
}

export interface OpenHooks {
  /** Fork waits: heartbeats and cancellation. */
  wait?: WaitOptions;
}

const slotKey = (req: ParsedContributionRequest): SlotKey => ({ forge: req.forge, owner: req.repo.owner, name: req.repo.name, issueNumber: req.issue.number });

/**
 * Opens (or, when ours already exists, updates) the draft PR for one fixed issue. Idempotent. A
 * new PR first takes a slot under the PR caps; it is freed when the attempt ends, by which time an
 * opened PR is on record and counts as open itself. A fix that replaces our open PR takes no slot:
 * the old PR is closed once the new one is open.
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

/** A new PR's gate: never for an issue a maintainer declined, nor one someone else has; a slot under the caps. */
async function gateNewPull(deps: ContributeDeps, req: ParsedContributionRequest, row: PrRow | null, existing: ExistingWork): Promise<OpenResult | null> {
  const repo = req.repo;
  const declined = await findDeclined(deps.pool, req.forge, repo, req.issue.number);
  const dup = declined ? { reason: 'maintainer_closed' as const, detail: declinedReason(declined) } : dedupe(existing);
  if (dup) {
    await recordConsent(deps.pool, { forge: req.forge, repo, issueNumber: req.issue.number, allowed: false, reason: `duplicate:${dup.reason}`, detail: dup.detail });
    if (row?.state === 'preview' || row?.state === 'pending') await updatePrRow(deps.pool, row.id, { state: 'failed', last_error: { stage: 'dedupe', message: dup.detail, retryable: false } });
    return { status: 'skipped', ...dup };
  }
  // The caps, checked and a slot taken atomically: parallel workers cannot both pass one cap.
  const slot = await takePrSlot(deps.pool, {
    ...slotKey(req), caps: { repo: req.maxOpenPrsInRepo ?? deps.caps.maxOpenPrsPerRepo, owner: deps.caps.maxOpenPrsPerOwner },
    forgeCounts: { inRepo: existing.openPrsInRepo, forOwner: existing.openPrsForOwner },
  });
  if (!slot.taken) {
    await recordConsent(deps.pool, { forge: req.forge, repo, issueNumber: req.issue.number, allowed: false, reason: slot.reason, detail: `${slot.reason}: ${slot.detail}` });
    return { status: 'skipped', reason: slot.reason, detail: slot.detail };
  }
  return null;
}

/**
 * The gate of a fix that replaces our open PR `old`: the old PR must still be open on its forge
 * (looked at as its follow-up would, so a merge or a maintainer's close is recorded first) and the
 * issue must still want a PR from us. It takes no slot under the caps: it replaces a PR. Returns
 * the row the new PR is recorded on (new, linked from the old row), or what the run gets instead.
 */
async function gateReplacement(deps: ContributeDeps, row: PrRow | null, old: PrRow & { number: number }, existing: ExistingWork, input: RowFields): Promise<{ row: PrRow } | { result: OpenResult } | { gone: true }> {
  const seen = await followUp(deps.pool, deps.forge, old, { ignoredAfterDays: Number.POSITIVE_INFINITY });
  if (seen.state !== 'open' && seen.state !== 'draft') return { gone: true };
  const dup = dedupe(existing);
  const pull: PullSummary = { number: old.number, url: old.url ?? '', state: 'OPEN', author: old.head_owner, headRefName: old.branch, isDraft: old.state === 'draft' };
  if (dup) {
    if (row && row.id !== old.id && row.number === null) await updatePrRow(deps.pool, row.id, { state: 'failed', last_error: { stage: 'dedupe', message: dup.detail, retryable: false } });
    return { result: keepOpenPull(old, pull, `${dup.reason}: ${dup.detail}`) };
  }
  if (row && row.id !== old.id) return { row };
  // Another attempt may have recorded the same replacement first: its row is the one to carry on.
  const fresh = await insertSupersedingRow(deps.pool, old.id, { ...input, state: 'pending' }) ?? await findPrRow(deps.pool, input.forge, input.repo, input.issueNumber);
  if (!fresh) throw new Error(`the replacement of PR #${old.number} left no current row`);
  log.info({ repo: input.repo, number: old.number, branch: input.branch }, 'a newer fix replaces our open PR');
  return { row: fresh };
}

async function openParsed(deps: ContributeDeps, req: ParsedContributionRequest, hooks: OpenHooks): Promise<OpenResult> {
  if (req.forge !== deps.forge.kind) throw new UsageError(`request for forge ${req.forge} given to the ${deps.forge.kind} writer`);
  const repo: RepoRef = req.repo;
  const issueKey = req.idempotencyKey ?? `${req.forge}:${repo.owner}/${repo.name}#${req.issue.number}`.toLowerCase();
  const title = prTitle(req.issue);
  const body = bodyOf(req);
  const patch = patchOf(req);
  const issueBranch = branchName(req.issue.number, req.issue.title);
  // Checked on the raw texts as well: the rendered body escapes Markdown, which would hide a value.
  if (leakedSecret([title, body, patch, req.summary, ...req.files.map((f) => f.after ?? '')], deps.secrets ?? [])) {
    throw new SandboxViolation('the pull request would publish a credential of this deployment (in its title, body or patch); refused');
  }
  let row = await findPrRow(deps.pool, req.forge, repo, req.issue.number);
  const inputFor = (branch: string): RowFields => ({
    forge: req.forge, repo, issueNumber: req.issue.number, issueId: req.issue.id, branch, title, body, patch, category: req.issue.category,
    idempotencyKey: branch === issueBranch ? issueKey : `${issueKey}@${branch}`, evidence: req.evidence, tokens: req.disclosure,
  });

  if (req.dryRun) {
    // A real PR row is never downgraded to a preview; the preview is still saved as files.
    if (!row || row.number === null) row = await upsertPrRow(deps.pool, { ...inputFor(issueBranch), state: 'preview' });
    const files = deps.stateDir ? await savePreview(deps.stateDir, req.forge, repo, req.issue.number, body, patch) : undefined;
    return { status: 'preview', row, ...(files ? { files } : {}) };
  }

  let plan = await planBranch(deps.pool, row, patch, issueBranch);
  let existing = await deps.forge.findExisting(repo, req.issue.number, plan.branch);
  let replacing = false;
  while (plan.replaces) {
    const gate = await gateReplacement(deps, row, plan.replaces, existing, inputFor(plan.branch));
    if ('result' in gate) return gate.result;
    if ('row' in gate) {
      row = gate.row;
      replacing = true;
      break;
    }
    // Merged or closed meanwhile, and recorded as such (so it is never live again): planned anew.
    row = await findPrRow(deps.pool, req.forge, repo, req.issue.number);
    plan = await planBranch(deps.pool, row, patch, issueBranch);
    existing = await deps.forge.findExisting(repo, req.issue.number, plan.branch);
  }
  const base = inputFor(plan.branch);
  const branch = plan.branch;
  const own: PullSummary | null = existing.ownPull?.state === 'OPEN' ? existing.ownPull : null;
  if (!own && !replacing) {
    const refused = await gateNewPull(deps, req, row, existing);
    if (refused) return refused;
  }
  // A run gone meanwhile (terminated, reset) opens nothing new from here: it could not decide on it.
  if (!own) hooks.wait?.signal?.throwIfAborted();
  return finishReplacement(deps, await writePull(deps, req, hooks, { row, base, branch, own, existing, patch }));
}

/** Once our PR for the issue is open, the PRs it replaced are closed (each close that fails is owed, and said). */
async function finishReplacement(deps: ContributeDeps, result: OpenResult): Promise<OpenResult> {
  if (result.status !== 'opened' && result.status !== 'updated' && result.status !== 'unchanged') return result;
  const row = result.row;
  if (!isLivePr(row)) return result;
  const detail = describeClosing(await closeSuperseded(deps.pool, deps.forge, row), row.number);
  return detail ? { ...result, detail } : result;
}

interface WriteState { row: PrRow | null; base: RowFields; branch: string; own: PullSummary | null; existing: ExistingWork; patch: string }

/** Fork, one commit on the branch, and the draft PR opened (or ours updated): each step idempotent. */
async function writePull(deps: ContributeDeps, req: ParsedContributionRequest, hooks: OpenHooks, s: WriteState): Promise<OpenResult> {
  const { base, branch, existing, patch } = s;
  const { title, body } = base;
  const repo = req.repo;
  let { row, own } = s;
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
