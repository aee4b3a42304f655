import { condition, defineQuery, log, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { CampaignActivities, CampaignOptionsData } from '../activities/contracts.js';
import { SA } from '../temporal/search-attributes.js';
import { issueFinishedSignal, type IssueOutcome } from './shared.js';
import { stageOptions } from './stage-options.js';

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
  finished: number;
  outcomes: Partial<Record<IssueOutcome, number>>;
  notes: string[];
}
export const campaignProgressQuery = defineQuery<CampaignProgress>('progress');

export interface CampaignInput extends CampaignOptionsData {
  taskQueuePrefix: string;
  /** Wait for every enqueued issue to finish before completing. */
  waitForIssues: boolean;
}

/** discover → intake → analyze → rerank → fan out to repository workflows, within the budgets. */
export async function campaignWorkflow(input: CampaignInput): Promise<CampaignProgress> {
  const opts = stageOptions(input.taskQueuePrefix);
  const core = proxyActivities<CampaignActivities>(opts.campaign);
  const github = proxyActivities<CampaignActivities>(input.forge === 'github' ? opts.campaignGithub : opts.campaign);
  const progress: CampaignProgress = {
    id: input.id, phase: 'discover', repos: 0, rejected: 0, rejectedBy: {}, issues: 0, analyzed: 0, analyzer: undefined,
    enqueued: 0, finished: 0, outcomes: {}, notes: [],
  };
  setHandler(campaignProgressQuery, () => progress);
  setHandler(issueFinishedSignal, (f) => {
    progress.finished += 1;
    progress.outcomes[f.outcome] = (progress.outcomes[f.outcome] ?? 0) + 1;
  });
  upsertSearchAttributes([{ key: SA.campaign, value: input.id }, { key: SA.stage, value: 'discover' }]);
  const phase = (p: CampaignProgress['phase']): void => {
    progress.phase = p;
    upsertSearchAttributes([{ key: SA.stage, value: p }]);
  };

  const found = await github.campaignDiscover(input);
  progress.repos = found.repos.length;
  progress.rejected = found.rejected;
  progress.rejectedBy = found.rejectedBy ?? {};
  if (found.repos.length === 0) progress.notes.push(found.emptyNote ?? 'discovery found no repository that passed the filters');

  phase('intake');
  const intake = await github.campaignIntake({ repos: found.repos });
  progress.issues = intake.issues;

  phase('analyze');
  const analysis = await core.campaignAnalyze({ repos: found.repos, campaign: input });
  progress.analyzed = analysis.analyzed;
  progress.analyzer = analysis.analyzer;
  if (analysis.note) progress.notes.push(analysis.note);

  phase('rerank');
  await core.campaignRerank();

  phase('fan_out');
  const selected = await core.campaignSelect({ repos: found.repos, maxIssues: input.maxIssues });
  const self = workflowInfo().workflowId;
  for (const repo of selected) {
    const issues = repo.issues.map((number, i) => ({
      number, priority: repo.priorities[i] ?? 0, campaign: input.id, dryRun: input.dryRun,
      // Issues report back only to a campaign that waits for them.
      ...(input.waitForIssues ? { campaignWorkflowId: self } : {}),
    }));
    await core.enqueueRepoIssues({ repo, issues });
    progress.enqueued += issues.length;
  }
  log.info('campaign fanned out', { id: input.id, repos: selected.length, issues: progress.enqueued });

  phase('working');
  if (input.waitForIssues) await condition(() => progress.finished >= progress.enqueued);
  phase('done');
  return progress;
}
