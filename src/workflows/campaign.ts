import {
  allHandlersFinished, condition, continueAsNew, defineQuery, isCancellation, log, patched, proxyActivities, setCurrentDetails, setHandler,
  upsertSearchAttributes, workflowInfo, type ActivityOptions,
} from '@temporalio/workflow';
import { rootMessage } from './failure.js';
import type { CampaignActivities, CampaignOptionsData, CampaignRepo, SelectedRepo } from './contracts.js';
import { SA } from '../temporal/search-attributes.js';
import { issueFinishedSignal, type IssueFinished, type IssueOutcome, type QueuedIssue } from './shared.js';
import { stageOptions } from './stage-options.js';
import { campaignProgressDetails, count } from './summaries.js';
import { DEFAULT_IN_FLIGHT, FanOutBacklog, issueKey, repoName, waveSize } from './fan-out-window.js';

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
  /** Enqueued issues not yet sent to their repository (absent in runs recorded before the window). */
  waiting?: number;
  /** The most issues the campaign had out at its repositories at once (at most its `inFlight`). */
  peakInFlight?: number;
  notes: string[];
}
export const campaignProgressQuery = defineQuery<CampaignProgress>('progress');

export interface CampaignInput extends CampaignOptionsData {
  taskQueuePrefix: string;
  /** false: stop after re-ranking, sending no issue on to be fixed (the discovery schedule's default). */
  fanOut?: boolean;
  /** Issues out at repositories at once, one per repository (default DEFAULT_IN_FLIGHT); the rest wait in the campaign. */
  inFlight?: number;
  /** Carried over by continue-as-new while the campaign waits for decisions. */
  resume?: CampaignProgress;
  /** Selected issues not yet sent to their repositories, carried over by continue-as-new. */
  backlog?: SelectedRepo[];
}

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
  const window = new Window(input, pending, progress);
  const decided = (f: IssueFinished): void => {
    // Late or repeated reports (a retried signal, a rerun) are counted once.
    if (!pending.delete(issueKey(f.repo, f.number))) return;
    progress.finished += 1;
    progress.outcomes[f.outcome] = (progress.outcomes[f.outcome] ?? 0) + 1;
    window.decided(f.repo, f.number);
  };
  const show = (): void => setCurrentDetails(campaignProgressDetails(progress, pending.size));
  setHandler(campaignProgressQuery, () => ({ ...progress, pending: [...pending] }));
  setHandler(issueFinishedSignal, (f) => { decided(f); show(); });
  show();
  if (!input.resume) {
    upsertSearchAttributes([{ key: SA.campaign, value: input.id }, { key: SA.stage, value: 'discover' }]);
    await prepareAndFanOut(input, progress, pending, show, window);
  }

  await window.workThrough(show);
  if (pending.size > 0) {
    await condition(allHandlersFinished);
    await continueAsNew<typeof campaignWorkflow>({ ...input, resume: { ...progress, pending: [...pending] }, backlog: window.backlog.remaining() });
  }
  progress.phase = 'done';
  show();
  upsertSearchAttributes([{ key: SA.stage, value: 'done' }]);
  return { ...progress, pending: [] };
}

/**
 * The campaign's window on its repositories: at most `inFlight` selected issues out at once, one
 * per repository; each decision frees a slot, and a wave of the next best issues goes out once a
 * quarter of the window is free. Runs recorded before the window sent everything at fan-out and
 * carry no backlog, so they only wait here.
 */
class Window {
  backlog: FanOutBacklog;
  private readonly inFlight: number;
  private readonly wave: number;
  /** Issues out at their repositories, as `owner/repo#n`. */
  private readonly out = new Set<string>();
  private decisionsSinceWave = 1;

  constructor(private readonly input: CampaignInput, private readonly pending: Set<string>, private readonly progress: CampaignProgress) {
    this.inFlight = input.inFlight ?? DEFAULT_IN_FLIGHT;
    this.wave = waveSize(this.inFlight);
    this.backlog = new FanOutBacklog(input.backlog ?? []);
    const waiting = new Set(this.backlog.keys());
    // After continue-as-new: every undecided issue not waiting is out at its repository.
    for (const key of pending) if (!waiting.has(key)) this.sent(key);
    progress.waiting = waiting.size;
  }

  /** Takes the selection in: every issue waits here until a wave sends it. */
  hold(selected: SelectedRepo[]): void {
    this.backlog = new FanOutBacklog(selected);
    this.progress.waiting = this.backlog.size;
  }

  decided(repo: string, number: number): void {
    if (this.out.delete(issueKey(repo, number))) this.decisionsSinceWave += 1;
  }

  private sent(key: string): void {
    this.out.add(key);
    this.progress.peakInFlight = Math.max(this.progress.peakInFlight ?? 0, this.out.size);
  }

  private waveDue(): boolean {
    return (this.progress.waiting ?? 0) > 0 && this.decisionsSinceWave > 0 && this.inFlight - this.out.size >= this.wave;
  }

  /** Sends waves until every issue is decided, or until the history should continue as new. */
  async workThrough(show: () => void): Promise<void> {
    for (;;) {
      await condition(() => this.pending.size === 0 || workflowInfo().continueAsNewSuggested || this.waveDue());
      if (this.pending.size === 0 || workflowInfo().continueAsNewSuggested) return;
      await this.sendWave();
      show();
    }
  }

  private async sendWave(): Promise<void> {
    const busy = new Set([...this.out].map((key) => key.slice(0, key.lastIndexOf('#'))));
    const taken = this.backlog.take(this.inFlight - this.out.size, busy);
    this.progress.waiting = (this.progress.waiting ?? 0) - taken.length;
    this.decisionsSinceWave = 0;
    // An issue decided while it waited (a report from elsewhere) is not sent again.
    const wave = taken.filter((d) => this.pending.has(issueKey(repoName(d), d.issues[0] as number)));
    if (wave.length === 0) {
      // Nothing went out although repositories were idle: look again rather than wait for a decision that may never come.
      if (taken.length > 0) this.decisionsSinceWave = 1;
      return;
    }
    for (const d of wave) this.sent(issueKey(repoName(d), d.issues[0] as number));
    const opts = stageOptions(this.input.taskQueuePrefix, this.input.forge);
    const self = workflowInfo().workflowId;
    const only = wave.length === 1 ? wave[0] : undefined;
    const summary = only ? `send ${issueKey(repoName(only), only.issues[0] as number)} to its repository` : `send ${count(wave.length, 'issue')} to their repositories`;
    await proxyActivities<CampaignActivities>(withSummary(opts.campaign, summary))
      .enqueueWave({ batches: wave.map((d) => ({ repo: repoOf(d), issues: queued(this.input, d, self) })) });
  }
}

const repoOf = ({ forge, owner, repo, language }: SelectedRepo): CampaignRepo => ({ forge, owner, repo, language });

/** The queue entries a repository workflow is sent for a selected repository's issues. */
function queued(input: CampaignInput, repo: SelectedRepo, campaignWorkflowId: string): QueuedIssue[] {
  return repo.issues.map((number, i) => ({
    number, priority: repo.priorities[i] ?? 0, campaign: input.id, dryRun: input.dryRun, campaignWorkflowId,
    ...(repo.titles?.[i] !== undefined ? { title: repo.titles[i] } : {}),
  }));
}

/** The campaign's stages up to fan-out; each enqueued issue is added to `pending`. */
async function prepareAndFanOut(input: CampaignInput, progress: CampaignProgress, pending: Set<string>, show: () => void, window: Window): Promise<void> {
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
  if (patched('campaign-fan-out-window')) {
    for (const repo of selected) for (const n of repo.issues) pending.add(issueKey(repoName(repo), n));
    progress.enqueued += selected.reduce((n, r) => n + r.issues.length, 0);
    window.hold(selected);
  } else {
    await fanOut(core, input, selected, pending, progress);
  }
  log.info('campaign fanned out', { id: input.id, repos: selected.length, issues: progress.enqueued });
  phase('working');
}

const withSummary = (options: ActivityOptions, summary: string): ActivityOptions => ({ ...options, summary });

/** Runs recorded before the window: every selected issue sent at once. Each issue is pending before its repository hears of it, so even the quickest decision is counted. */
async function fanOut(core: (summary: string) => CampaignActivities, input: CampaignInput, selected: SelectedRepo[], pending: Set<string>, progress: CampaignProgress): Promise<void> {
  const self = workflowInfo().workflowId;
  // Runs recorded when repositories were told one after another replay as they ran.
  const together = patched('campaign-parallel-fan-out');
  const told: Array<Promise<void>> = [];
  for (const { titles, ...repo } of selected) {
    const issues = queued(input, { ...repo, ...(titles ? { titles } : {}) }, self);
    for (const n of repo.issues) pending.add(issueKey(repoName(repo), n));
    progress.enqueued += issues.length;
    const telling = core(`enqueue ${count(issues.length, 'issue')} of ${repo.owner}/${repo.repo}`).enqueueRepoIssues({ repo: repoOf(repo), issues });
    if (together) told.push(telling);
    else await telling;
  }
  await Promise.all(told);
}
