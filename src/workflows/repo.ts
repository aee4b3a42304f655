import {
  ParentClosePolicy, allHandlersFinished, condition, continueAsNew,
  getExternalWorkflowHandle, log, patched, proxyActivities, setCurrentDetails, setHandler, sleep, startChild, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { RepoActivities } from './contracts.js';
import { stageOptions } from './stage-options.js';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { SA } from '../temporal/search-attributes.js';
import { taskQueue } from '../temporal/task-queues.js';
import { RepoState, type RepoLimits, type RepoSnapshot } from './repo-state.js';
import {
  CLAIM_REUSE_POLICY, enqueueSignal, issueFinishedSignal, issueWorkflowId, pauseSignal, repoStatusQuery, resumeSignal,
  type IssueFinished, type IssueRef, type QueuedIssue,
} from './shared.js';
import { issueWorkflow, type IssueWorkInput } from './issue.js';
import { issueDetails, issueSummary, repoQueueDetails } from './summaries.js';

export interface RepoWorkflowInput {
  forge: IssueRef['forge'];
  owner: string;
  repo: string;
  taskQueuePrefix: string;
  limits?: Partial<RepoLimits>;
  /** Carried over by continue-as-new. */
  snapshot?: RepoSnapshot;
  /** Passed to each issue (tests shorten the follow-up cadence). */
  issueDefaults?: Pick<IssueWorkInput, 'followUp' | 'candidates'>;
  /** Continue-as-new after this many history events (default: when the server suggests it). */
  historyLimit?: number;
  /** How often running issues are checked for a workflow that closed without a word (default 5 minutes). */
  reconcileEvery?: string;
}

/**
 * The entity workflow of one repository (`repo/<owner>/<repo>`): holds its issue queue, starts
 * issue workflows as children within the caps, and takes `pause`/`resume` signals and a `status` query.
 */
export async function repoWorkflow(input: RepoWorkflowInput): Promise<void> {
  const limits: RepoLimits = { maxConcurrent: input.limits?.maxConcurrent ?? 1 };
  const name = `${input.owner}/${input.repo}`;
  const state = new RepoState(name, limits, input.snapshot);
  const tellEach = async (signal: typeof pauseSignal, reason: string | undefined): Promise<void> => {
    for (const number of state.running.keys()) {
      try {
        await getExternalWorkflowHandle(issueWorkflowId({ owner: input.owner, repo: input.repo, number })).signal(signal, reason ? { reason } : {});
      } catch (err) {
        log.warn('could not signal a running issue', { number, error: String(err) });
      }
    }
  };
  // Pause and resume reach running issues in the order they were given: a quick pause-then-resume
  // must never leave an issue paused because its resume overtook the pause.
  let told: Promise<void> = Promise.resolve();
  const tellChildren = (signal: typeof pauseSignal, reason: string | undefined): Promise<void> => {
    told = told.then(() => tellEach(signal, reason));
    return told;
  };

  /** Tells the campaign that enqueued an issue what became of it here (issues report their own decisions). */
  const tellCampaign = async (issue: QueuedIssue, f: IssueFinished): Promise<void> => {
    if (!issue.campaignWorkflowId) return;
    try {
      await getExternalWorkflowHandle(issue.campaignWorkflowId).signal(issueFinishedSignal, f);
    } catch (err) {
      log.warn('could not tell the campaign', { campaign: issue.campaignWorkflowId, number: issue.number, error: String(err) });
    }
  };
  const claimedElsewhere = (issue: QueuedIssue, detail: string): IssueFinished => ({ repo: name, number: issue.number, outcome: 'already_claimed', detail });

  const show = (): void => setCurrentDetails(repoQueueDetails(state.status()));
  setHandler(enqueueSignal, async ({ issues }) => {
    const refused = state.enqueue(issues);
    show();
    for (const issue of refused) await tellCampaign(issue, claimedElsewhere(issue, 'queued or running for another campaign'));
  });
  setHandler(pauseSignal, async (req) => {
    state.paused = true;
    state.pauseReason = req?.reason;
    show();
    log.info('repository paused', { repo: name, reason: req?.reason });
    await tellChildren(pauseSignal, req?.reason);
  });
  setHandler(resumeSignal, async (req) => {
    state.paused = false;
    state.pauseReason = undefined;
    show();
    log.info('repository resumed', { repo: name, reason: req?.reason });
    await tellChildren(resumeSignal, req?.reason);
  });
  setHandler(issueFinishedSignal, (f) => { state.done(f); show(); });
  setHandler(repoStatusQuery, () => state.status());
  upsertSearchAttributes([{ key: SA.repo, value: name }]);
  show();

  const shouldRoll = (): boolean => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || (input.historyLimit !== undefined && info.historyLength >= input.historyLimit);
  };

  const { reconcileIssueRuns } = proxyActivities<RepoActivities>({ ...stageOptions(input.taskQueuePrefix, input.forge).record, summary: `check the running issues of ${name}` });
  /** A terminated (or otherwise silent) issue frees its slot, and its campaign hears `failed`. */
  const reconcile = async (): Promise<void> => {
    const running = [...state.running.values()].map((q) => ({ number: q.number, ...(q.campaign ? { campaign: q.campaign } : {}) }));
    const closed = await reconcileIssueRuns({ ref: { forge: input.forge, owner: input.owner, repo: input.repo }, issues: running });
    for (const c of closed) {
      const issue = state.running.get(c.number);
      if (!issue) continue;
      const f: IssueFinished = { repo: name, number: c.number, outcome: c.outcome, detail: c.detail };
      state.done(f);
      show();
      await tellCampaign(issue, f);
    }
  };
  const ready = (): boolean => state.canStart() || shouldRoll();
  const every = input.reconcileEvery ?? '5 minutes';
  // Runs recorded before one timer served many issues replay as they ran: a timer per wait.
  const waitForWork = patched('repo-one-reconcile-timer') ? reconcilingEvery(every, state, ready, reconcile) : reconcilingWhenQuiet(every, state, ready, reconcile);

  for (;;) {
    await waitForWork();
    if (shouldRoll()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof repoWorkflow>({ ...input, snapshot: state.snapshot() });
    }
    const issue = state.next();
    if (!issue) continue;
    show();
    const childInput: IssueWorkInput = {
      forge: input.forge, owner: input.owner, repo: input.repo, number: issue.number,
      taskQueuePrefix: input.taskQueuePrefix, dryRun: issue.dryRun,
      repoWorkflowId: workflowInfo().workflowId,
      ...(issue.campaign ? { campaign: issue.campaign } : {}),
      ...(issue.campaignWorkflowId ? { campaignWorkflowId: issue.campaignWorkflowId } : {}),
      ...input.issueDefaults,
    };
    try {
      await startChild(issueWorkflow, {
        workflowId: issueWorkflowId({ owner: input.owner, repo: input.repo, number: issue.number }),
        args: [childInput],
        taskQueue: taskQueue(input.taskQueuePrefix, 'core'),
        workflowIdReusePolicy: CLAIM_REUSE_POLICY,
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: issueSummary({ ...childInput, title: issue.title }),
        staticDetails: issueDetails({ ...childInput, priority: issue.priority }),
        typedSearchAttributes: [
          { key: SA.repo, value: name },
          { key: SA.stage, value: 'queued' },
          { key: SA.priority, value: issue.priority },
          ...(issue.campaign ? [{ key: SA.campaign, value: issue.campaign }] : []),
        ],
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        log.info('issue already claimed elsewhere', { repo: name, number: issue.number });
        const f = claimedElsewhere(issue, 'its issue workflow is already running');
        state.done(f);
        await tellCampaign(issue, f);
      } else {
        throw err;
      }
    }
  }
}

type Wait = () => Promise<void>;

/**
 * Waits until `ready`; while issues run, reconciles them every `every`. One timer serves every
 * issue that starts and finishes within it, so a busy repository's history gains no timer
 * events per issue.
 */
function reconcilingEvery(every: string, state: RepoState, ready: () => boolean, reconcile: () => Promise<void>): Wait {
  let armed = false;
  let due = false;
  const arm = (): void => {
    if (armed) return;
    armed = true;
    void sleep(every).then(() => { armed = false; due = true; });
  };
  return async () => {
    for (;;) {
      if (state.running.size > 0) arm();
      await condition(() => ready() || due);
      if (!due) return;
      due = false;
      if (state.running.size > 0) await reconcile();
    }
  };
}

/** Waits until `ready`; reconciles the running issues when `every` passes without it. */
function reconcilingWhenQuiet(every: string, state: RepoState, ready: () => boolean, reconcile: () => Promise<void>): Wait {
  return async () => {
    for (;;) {
      if (state.running.size === 0) {
        await condition(ready);
        return;
      }
      if (await condition(ready, every)) return;
      await reconcile();
    }
  };
}
