/**
 * Contribute activities: consent, opening the PR (idempotent, heartbeats while a fork is being
 * created) and following it up. Named errors become Temporal failures: ConsentDenied, NotFound and
 * other non-retryable errors are final; RateLimited asks for a retry after its wait.
 */
import { cancellationSignal, heartbeat } from '@temporalio/activity';
import type { Pool } from 'pg';
import { z } from 'zod';
import { checkConsent, type ConsentOutcome } from '../contribute/check-consent.js';
import type { GateCaps } from '../contribute/consent/gate.js';
import { IssueCategory } from '../contribute/consent/schema.js';
import { openPullRequest, type OpenResult } from '../contribute/contribute.js';
import { followUp, type FollowUpResult } from '../contribute/follow-up.js';
import { findPrRow } from '../contribute/store.js';
import { classified, toApplicationFailure } from './errors.js';
import { NotFound, UsageError } from '../errors.js';
import { RepoRefSchema } from '../forge/types.js';
import type { ForgeWriter } from '../forge/writer.js';

export interface ContributeActivityDeps {
  pool: Pool;
  forge: ForgeWriter;
  caps: GateCaps;
  stateDir?: string;
  /** Days without a word from anyone before an open PR counts as ignored. */
  ignoredAfterDays?: number;
  forkWait?: { timeoutMs?: number; intervalMs?: number };
}

const ConsentInput = z.object({ repo: RepoRefSchema, issueNumber: z.number().int().positive().optional(), category: IssueCategory.optional() });
const FollowUpInput = z.object({ forge: z.enum(['github', 'local']), repo: RepoRefSchema, issueNumber: z.number().int().positive() });

/** The contribute activities' failures go through the one classifier. */
export const toActivityFailure = toApplicationFailure;

function parse<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const r = schema.safeParse(raw);
  if (!r.success) throw new UsageError(`invalid ${what} input: ${r.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

export function createContributeActivities(deps: ContributeActivityDeps) {
  return {
    async checkConsent(input: z.input<typeof ConsentInput>): Promise<ConsentOutcome> {
      return classified(async () => {
        const i = parse(ConsentInput, input, 'checkConsent');
        return checkConsent(deps, i.repo, { ...(i.issueNumber ? { number: i.issueNumber } : {}), ...(i.category ? { category: i.category } : {}) });
      });
    },

    /** Idempotent: a retry finds the row, branch and PR of the earlier attempt and updates them. */
    async openPullRequest(input: unknown): Promise<Omit<OpenResult, 'row'> & { rowId?: string }> {
      return classified(async () => {
        // The request is validated by the pipeline (zod); its key defaults to forge:owner/name#issue.
        const result = await openPullRequest(deps, input as Parameters<typeof openPullRequest>[1], {
          wait: { ...deps.forkWait, onPoll: (p) => heartbeat({ stage: 'fork', ...p }), signal: cancellationSignal() },
        });
        if ('row' in result) {
          const { row, ...rest } = result;
          return { ...rest, rowId: row.id };
        }
        return result;
      });
    },

    async followUpPullRequest(input: z.input<typeof FollowUpInput>): Promise<FollowUpResult> {
      return classified(async () => {
        const i = parse(FollowUpInput, input, 'followUpPullRequest');
        const row = await findPrRow(deps.pool, i.forge, i.repo, i.issueNumber);
        if (!row) throw new NotFound(`no pull request recorded for ${i.repo.owner}/${i.repo.name}#${i.issueNumber}`);
        return followUp(deps.pool, deps.forge, row, { ignoredAfterDays: deps.ignoredAfterDays ?? 14 });
      });
    },
  };
}
export type ContributeActivities = ReturnType<typeof createContributeActivities>;
