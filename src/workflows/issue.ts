import {
  ApplicationFailure, CancellationScope, condition, getExternalWorkflowHandle, log, patched, proxyActivities, proxyLocalActivities, setCurrentDetails, setHandler,
  workflowInfo, isCancellation, type ActivityOptions,
} from '@temporalio/workflow';
import type { IssueStageActivities } from './contracts.js';
import { SA } from '../temporal/search-attributes.js';
import { issueFinishedSignal, issueStatusQuery, pauseSignal, resumeSignal, type IssueFinished, type IssueRef } from './shared.js';
import { localRecordOptions, stageOptions } from './stage-options.js';
import { failureIsFinal, rootMessage } from './failure.js';
import { startFollowUp } from './follow-up.js';
import type { FollowUpSettings } from './follow-up-start.js';
import { issueKey, issueStageDetails, plainLine } from './summaries.js';
import { IssueAttributes } from './issue-attributes.js';

export interface IssueWorkInput extends IssueRef {
  taskQueuePrefix: string;
  dryRun: boolean;
  candidates?: number;
  campaign?: string;
  campaignWorkflowId?: string;
  repoWorkflowId?: string;
  /** Follow-up cadence for an opened PR (defaults: every 6 h, 14 days). */
  followUp?: { every: string; checks: number };
}

/** Each stage's activities, with the summary the Web UI shows for them (e.g. `analyze local/slugkit#1`). */
function stageActivities(input: IssueWorkInput, current: boolean) {
  const opts = stageOptions(input.taskQueuePrefix, input.forge);
  const key = issueKey(input);
  const summarised = (options: ActivityOptions, what: string): IssueStageActivities => proxyActivities<IssueStageActivities>({ ...options, summary: `${what} ${key}` });
  return {
    analyze: summarised(opts.analyze, 'analyze'),
    consent: summarised(opts.consent, 'check consent for'),
    generate: summarised(opts.generate, 'generate a fix for'),
    validate: summarised(opts.validate, 'validate the fix for'),
    openPr: summarised(opts.openPr, input.dryRun ? 'prepare (dry run) the pull request for' : 'open the pull request for'),
    // Runs recorded before bookkeeping became local activities replay as they ran.
    ...(current || patched('issue-record-local')
      ? {
        lookup: proxyLocalActivities<IssueStageActivities>({ ...localRecordOptions, summary: `look for our open pull request for ${key}` }),
        recall: proxyLocalActivities<IssueStageActivities>({ ...localRecordOptions, summary: `read the campaign's analysis of ${key}` }),
        record: proxyLocalActivities<IssueStageActivities>({ ...localRecordOptions, summary: `record the decision on ${key}` }),
      }
      : {
        lookup: summarised(opts.record, 'look for our open pull request for'),
        recall: summarised(opts.record, 'read the campaign\'s analysis of'),
        record: summarised(opts.record, 'record the decision on'),
      }),
  };
}

/** The patch that made a run's history shorter (see `IssueAttributes`). */
const FEWER_EVENTS = 'issue-fewer-events';

async function tellParent(parent: string, finished: IssueFinished): Promise<void> {
  try {
    await getExternalWorkflowHandle(parent).signal(issueFinishedSignal, finished);
  } catch (err) {
    log.warn('could not tell the parent that the issue finished', { parent, error: String(err) });
  }
}

/**
 * One issue, claimed by its workflow ID `issue/<owner>/<repo>/<number>`: analyze → consent →
 * generate → validate → open PR, ending at a decision (PR opened, skipped, no fix, failed) that
 * its repository and campaign hear of. An opened PR is followed by its own workflow
 * (`followup/…`), so the repository's slot is free at the decision. Pause holds it at the next
 * stage boundary.
 */
export async function issueWorkflow(input: IssueWorkInput): Promise<IssueFinished> {
  // Runs recorded before this patch replay as they ran: each search attribute written at once,
  // the parents told one after the other, and the patches of their own time.
  const current = patched(FEWER_EVENTS);
  const { analyze, consent, generate, validate, openPr, lookup, recall, record } = stageActivities(input, current);
  const attributes = new IssueAttributes(current);

  const ref: IssueRef = { forge: input.forge, owner: input.owner, repo: input.repo, number: input.number };
  let stage = 'queued';
  let paused = false;
  let pauseReason: string | undefined;
  const show = (): void => setCurrentDetails(issueStageDetails(stage, paused, pauseReason));
  setHandler(pauseSignal, (req) => { paused = true; pauseReason = req?.reason; show(); });
  setHandler(resumeSignal, () => { paused = false; pauseReason = undefined; show(); });
  setHandler(issueStatusQuery, () => ({ stage, paused, pauseReason }));
  show();

  /** `queued` false: the stage's work may be a local activity, so its attributes wait for the next flush. */
  const enter = async (next: string, queued = true): Promise<void> => {
    if (paused) {
      log.info('paused at stage boundary', { next, reason: pauseReason });
      attributes.flush();
    }
    await condition(() => !paused);
    stage = next;
    show();
    attributes.set([{ key: SA.stage, value: next }]);
    if (queued) attributes.flush();
  };

  attributes.setUnlessStartedWith([
    { key: SA.repo, value: `${input.owner}/${input.repo}` },
    ...(input.campaign ? [{ key: SA.campaign, value: input.campaign }] : []),
  ]);

  const finish = async (outcome: IssueFinished['outcome'], detail: Record<string, unknown>): Promise<IssueFinished> => {
    stage = 'done';
    setCurrentDetails(`${issueStageDetails(stage, false, undefined)}\n\n**Decision** ${outcome}${typeof detail['reason'] === 'string' ? `: ${plainLine(detail['reason'], 300)}` : ''}`);
    attributes.set([{ key: SA.stage, value: 'done' }]);
    attributes.flush();
    const info = workflowInfo();
    if (outcome !== 'already_claimed') {
      await record.recordIssueRun({ workflowId: info.workflowId, runId: info.runId, ref, ...(input.campaign ? { campaign: input.campaign } : {}), result: outcome, detail });
    }
    const finished: IssueFinished = { repo: `${input.owner}/${input.repo}`, number: input.number, outcome, ...(typeof detail['reason'] === 'string' ? { detail: detail['reason'] } : {}) };
    const parents = [input.repoWorkflowId, input.campaignWorkflowId].filter((p): p is string => p !== undefined);
    if (current) await Promise.all(parents.map((p) => tellParent(p, finished)));
    else for (const p of parents) await tellParent(p, finished);
    return finished;
  };

  const followSettings: FollowUpSettings = { taskQueuePrefix: input.taskQueuePrefix, ...(input.campaign ? { campaign: input.campaign } : {}), ...(input.followUp ? { cadence: input.followUp } : {}) };
  const follow = (): ReturnType<typeof startFollowUp> => startFollowUp({ ...ref, ...followSettings });

  try {
    // A rerun (a reset, a second start) that finds our open PR for this issue adopts it and goes on
    // to its follow-up: no second fix, commit or PR, and the PR does not count against its own cap.
    const own = await lookup.findOwnPullRequest(ref);
    if (own) {
      const followUp = await follow();
      return await finish('pr_opened', { reason: `adopted our open PR #${own.number}`, pr: own, followUp });
    }

    await enter('analyze', false);
    // An analysis already on record (most issues: their campaign analyzed them) is read by the
    // workflow's own worker; only an issue that needs an analyzer waits on the model queue.
    const recorded = current || patched('issue-analysis-on-record') ? await recall.analysisOnRecord(ref) : null;
    if (!recorded) attributes.flush();
    const analysis = recorded ?? await analyze.analyzeIssue(ref);
    attributes.set([
      { key: SA.category, value: analysis.category },
      ...(analysis.priority !== null ? [{ key: SA.priority, value: analysis.priority }] : []),
      ...(analysis.language ? [{ key: SA.language, value: analysis.language }] : []),
    ]);
    if (analysis.skip) return await finish('skipped', { reason: analysis.skip, analysis });

    await enter('consent');
    const gate = await consent.checkConsent(ref);
    if (!gate.allowed) return await finish('skipped', { reason: gate.reason ?? 'consent denied', quote: gate.quote });

    await enter('generate');
    // 0: the worker's GLOBALLM_FIX_CANDIDATES decides.
    const fix = await generate.generateFix({ ref, candidates: input.candidates ?? 0 });
    if (!fix.fixId) return await finish('no_fix', { reason: fix.reason ?? 'no candidate' });

    await enter('validate');
    const verdict = await validate.validateFix({ ref, fixId: fix.fixId });
    if (verdict.verdict !== 'pass' && verdict.open !== true) return await finish('no_fix', { reason: `validation ${verdict.verdict}: ${verdict.summary}` });

    await enter('open_pr');
    // From here a PR may exist: a cancel waits until it is opened and followed, so none is left
    // unfollowed. The activity starts the follow-up itself as soon as the PR is on record, so a
    // terminate (which does not wait) leaves it followed too; the start below then adopts it.
    const fixId = fix.fixId;
    return await CancellationScope.nonCancellable(async () => {
      const pr = await openPr.openPullRequest({ ref, fixId, dryRun: input.dryRun, follow: followSettings });
      if (pr.state === 'preview') return await finish('dry_run', { reason: 'dry run: PR body and patch saved for review', fixId });
      if (pr.state === 'deduped') return await finish('skipped', { reason: pr.detail ?? 'someone else is on it' });
      const followUp = await follow();
      return await finish('pr_opened', { pr, followUp, ...(pr.detail ? { reason: pr.detail } : {}) });
    });
  } catch (err) {
    const message = rootMessage(err);
    if (isCancellation(err)) {
      // Cancelled by an operator: the issue may be tried again; its repository and campaign still hear of it.
      await CancellationScope.nonCancellable(() => finish('failed', { reason: `cancelled at ${stage}`, stage, final: false }));
      throw err;
    }
    // Only a failure caused by the issue itself is final; an outage leaves it for a later campaign.
    await CancellationScope.nonCancellable(() => finish('failed', { reason: message, stage, final: failureIsFinal(err) }));
    throw ApplicationFailure.nonRetryable(`issue ${input.owner}/${input.repo}#${input.number} failed at ${stage}: ${message}`, 'IssueFailed');
  }
}
