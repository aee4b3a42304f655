import {
  allHandlersFinished, condition, continueAsNew, defineQuery, isCancellation, log, patched, proxyActivities, setCurrentDetails, setHandler,
  upsertSearchAttributes, workflowInfo, type ActivityOptions,
} from '@temporalio/workflow';
import { rootMessage } from './failure.js';
import type { CampaignActivities, CampaignOptionsData, SelectedRepo } from './contracts.js';
import { SA } from '../temporal/search-attributes.js';
import { issueFinishedSignal, type IssueFinished, type IssueOutcome } from './shared.js';
import { stageOptions } from './stage-options.js';
import { campaignProgressDetails, count } from './summaries.js';

export interface CampaignProgress {
  id: string;
  phase: 'discover' | 'intake' | 'analyze' | 'rerank' | 'fan_out' | 'working' | 'done';
  repos: number;
  rejected: number;
  /** Rejections per discovery filter. */
  rejectedBy: Record<string, number>;
  issues: number;
  analyzed: number;
  analyzer: string | undefined;
  enqueued: number;
  /** Enqueued issues that reached a decision (PR opened, skipped, no fix, dry run, failed, already claimed). */
  finished: number;
  outcomes: Partial<Record<IssueOutcome, number>>;
  /** Enqueued issues still waiting for their decision, as `owner/repo#n`. */
  pending: string[];
  notes: string[];
}
export const campaignProgressQuery = defineQuery<CampaignProgress>('progress');

export interface CampaignInput extends CampaignOptionsData {
  taskQueuePrefix: string;
  /** false: stop after re-ranking, sending no issue on to be fixed (the discovery schedule's default). */
  fanOut?: boolean;
  /** Carried over by continue-as-new while the campaign waits for decisions. */
  resume?: CampaignProgress;
}

const issueKey = (repo: string, number: number): string => `${repo}#${number}`;

/**
 * discover → intake → analyze → rerank → fan out to repository workflows, within the budgets;
 * then it waits until every issue it enqueued reached a decision, and completes. PRs opened are
 * followed by their own workflows, beyond the campaign's end.
 */
export async function campaignWorkflow(input: CampaignInput): Promise<CampaignProgress> {
  const progress: CampaignProgress = input.resume ?? {
    id: input.id, phase: 'discover', repos: 0, rejected: 0, rejectedBy: {}, issues: 0, analyzed: 0, analyzer: undefined,
    enqueued: 0, finished: 0, outcomes: {}, pending: [], notes: [],
  };
  const pending = new Set(progress.pending);
  const decided = (f: IssueFinished): void => {
    // Late or repeated reports (a retried signal, a rerun) are counted once.
    if (!pending.delete(issueKey(f.repo, f.number))) return;
    progress.finished += 1;
    progress.outcomes[f.outcome] = (progress.outcomes[f.outcome] ?? 0) + 1;
  };
  const show = (): void => setCurrentDetails(campaignProgressDetails(progress, pending.size));
  setHandler(campaignProgressQuery, () => ({ ...progress, pending: [...pending] }));
  setHandler(issueFinishedSignal, (f) => { decided(f); show(); });
  show();
  if (!input.resume) {
    upsertSearchAttributes([{ key: SA.campaign, value: input.id }, { key: SA.stage, value: 'discover' }]);
    await prepareAndFanOut(input, progress, pending, show);
  }

  await condition(() => pending.size === 0 || workflowInfo().continueAsNewSuggested);
  if (pending.size > 0) {
    await condition(allHandlersFinished);
    await continueAsNew<typeof campaignWorkflow>({ ...input, resume: { ...progress, pending: [...pending] } });
  }
  progress.phase = 'done';
  show();
  upsertSearchAttributes([{ key: SA.stage, value: 'done' }]);
  return { ...progress, pending: [] };
}

/** The campaign's stages up to fan-out; each enqueued issue is added to `pending`. */
async function prepareAndFanOut(input: CampaignInput, progress: CampaignProgress, pending: Set<string>, show: () => void): Promise<void> {
  const opts = stageOptions(input.taskQueuePrefix, input.forge);
  /** Each activity with the summary the Web UI shows for it. */
  const core = (summary: string): CampaignActivities => proxyActivities<CampaignActivities>(withSummary(opts.campaign, summary));
  const forge = (summary: string): CampaignActivities => proxyActivities<CampaignActivities>(withSummary(opts.campaignGithub, summary));
  const phase = (p: CampaignProgress['phase']): void => {
    progress.phase = p;
    show();
    upsertSearchAttributes([{ key: SA.stage, value: p }]);
  };

  const search = [input.domain, input.language].filter(Boolean).join(' ');
  const found = await forge(`discover ${search} repositories (at least ${input.minStars} stars, up to ${input.maxRepos})`).campaignDiscover(input);
  progress.repos = found.repos.length;
  progress.rejected = found.rejected;
  progress.rejectedBy = found.rejectedBy ?? {};
  if (found.repos.length === 0) progress.notes.push(found.emptyNote ?? 'discovery found no repository that passed the filters');

  phase('intake');
  const intake = await forge(`take in the open issues of ${count(found.repos.length, 'repository')}`).campaignIntake({ repos: found.repos });
  progress.issues = intake.issues;

  phase('analyze');
  try {
    const analysis = await core(`analyze the issues of ${count(found.repos.length, 'repository')} (analyzer ${input.analyzer})`).campaignAnalyze({ repos: found.repos, campaign: input });
    progress.analyzed = analysis.analyzed;
    progress.analyzer = analysis.analyzer;
    if (analysis.note) progress.notes.push(analysis.note);
  } catch (err) {
    if (isCancellation(err)) throw err;
    // An outage outlasted the retries: what is analyzed stands, the rest stays open for later.
    progress.notes.push(`analysis stopped: ${rootMessage(err)}; unanalyzed issues stay open for a later campaign`);
  }

  phase('rerank');
  await core('re-rank every open issue').campaignRerank();
  if (input.fanOut === false) {
    progress.notes.push('no fan-out: the issues are analyzed and ranked, and wait for a campaign that fixes them');
    return;
  }

  phase('fan_out');
  const selected = await core(`select the top ${count(input.maxIssues, 'issue')}`).campaignSelect({ repos: found.repos, maxIssues: input.maxIssues });
  await fanOut(core, input, selected, pending, progress);
  log.info('campaign fanned out', { id: input.id, repos: selected.length, issues: progress.enqueued });
  phase('working');
}

const withSummary = (options: ActivityOptions, summary: string): ActivityOptions => ({ ...options, summary });

/** Each issue is pending before its repository hears of it, so even the quickest decision is counted. */
async function fanOut(core: (summary: string) => CampaignActivities, input: CampaignInput, selected: SelectedRepo[], pending: Set<string>, progress: CampaignProgress): Promise<void> {
  const self = workflowInfo().workflowId;
  // Runs recorded when repositories were told one after another replay as they ran.
  const together = patched('campaign-parallel-fan-out');
  const told: Array<Promise<void>> = [];
  for (const { titles, ...repo } of selected) {
    const issues = repo.issues.map((number, i) => ({
      number, priority: repo.priorities[i] ?? 0, campaign: input.id, dryRun: input.dryRun, campaignWorkflowId: self,
      ...(titles?.[i] !== undefined ? { title: titles[i] } : {}),
    }));
    for (const n of repo.issues) pending.add(issueKey(`${repo.owner}/${repo.repo}`, n));
    progress.enqueued += issues.length;
    const telling = core(`enqueue ${count(issues.length, 'issue')} of ${repo.owner}/${repo.repo}`).enqueueRepoIssues({ repo, issues });
    if (together) told.push(telling);
    else await telling;
  }
  await Promise.all(told);
}
