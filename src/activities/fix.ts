import { activityInfo, cancellationSignal } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { TokenBudget } from '../budget/types.js';
import { GlobaLLMError, UsageError } from '../errors.js';
import { runFixPipeline, type FixOptions } from '../fix/pipeline.js';
import { FixCheckpoint, type FixResult } from '../fix/schema.js';
import type { LlmProvider } from '../llm/types.js';
import { logger } from '../log.js';
import { toApplicationFailure } from './errors.js';
import { beating } from './heartbeat.js';

const log = logger.child({ component: 'fix-activity' });

export const NO_MODEL_MESSAGE = 'the fix stage needs a model: set ANTHROPIC_API_KEY, or OPENAI_BASE_URL for a local model';

export const FixIssueInput = z.object({
  repo: z.string().min(3).max(200),
  issue: z.object({ number: z.number().int().positive(), title: z.string().max(1000), body: z.string().max(1_000_000) }),
  cloneUrl: z.string().optional(),
  localPath: z.string().optional(),
  baseBranch: z.string().min(1).max(200),
  candidates: z.number().int().min(1).max(8).default(1),
  dryRun: z.boolean().default(false),
  language: z.string().optional(),
}).refine((v) => (v.cloneUrl === undefined) !== (v.localPath === undefined), 'exactly one of cloneUrl and localPath');
export type FixIssueInput = z.input<typeof FixIssueInput>;

export interface FixActivityDeps {
  /** Undefined when no model is configured: fixIssue then fails without retrying. */
  llm: LlmProvider | undefined;
  budget: TokenBudget;
  cacheDir: string;
  /** Pipeline tuning (caps, test timeouts, a test command override). */
  options?: Partial<FixOptions>;
  /** How often to heartbeat while waiting on git, the model or tests. */
  heartbeatMs?: number;
}


export function createFixActivities(deps: FixActivityDeps) {
  return {
    /** Prepare → localize → generate → apply/guard; see runFixPipeline. The validate stage judges the candidates. */
    async fixIssue(raw: FixIssueInput): Promise<FixResult> {
      const llm = deps.llm;
      if (!llm) throw ApplicationFailure.nonRetryable(NO_MODEL_MESSAGE, 'UsageError');
      const parsed = FixIssueInput.safeParse(raw);
      if (!parsed.success) throw ApplicationFailure.nonRetryable(`fixIssue: bad input: ${z.prettifyError(parsed.error)}`, 'UsageError');
      const input = parsed.data;
      const prior = FixCheckpoint.safeParse(activityInfo().heartbeatDetails);
      let checkpoint: FixCheckpoint = prior.success ? prior.data : { stage: 'prepare', candidates: [] };
      if (prior.success) log.info({ repo: input.repo, issue: input.issue.number, stage: checkpoint.stage, candidates: checkpoint.candidates.length }, 'resuming from checkpoint');
      // Heartbeat from a timer so long waits (clone, model, tests) keep the activity alive;
      // every beat carries the latest checkpoint.
      try {
        return await beating((beat) => runFixPipeline({ llm, budget: deps.budget, cacheDir: deps.cacheDir }, {
          repo: input.repo,
          issue: input.issue,
          source: input.cloneUrl !== undefined ? { cloneUrl: input.cloneUrl } : { localPath: input.localPath ?? '' },
          baseBranch: input.baseBranch,
          language: input.language,
          dryRun: input.dryRun,
          options: { ...deps.options, candidates: input.candidates },
        }, {
          signal: cancellationSignal(),
          checkpoint: prior.success ? checkpoint : undefined,
          onCheckpoint: (cp) => {
            checkpoint = cp;
            beat(cp);
          },
        }), deps.heartbeatMs, checkpoint);
      } catch (err) {
        if (err instanceof UsageError || err instanceof GlobaLLMError) throw toApplicationFailure(err, 'other');
        throw err;
      }
    },
  };
}
