import { activityInfo } from '@temporalio/activity';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { CampaignActivities, CampaignDiscovery, CampaignOptionsData, CampaignRepo } from '../workflows/contracts.js';
import type { ForgeReader, ForgeKind } from '../forge/types.js';
import { parseDiscoveryQuery } from '../discovery/domains.js';
import { describeFunnel } from '../discovery/funnel.js';
import { runDiscovery } from '../discovery/run.js';
import { runIntake } from '../intake/run.js';
import { rerankOpenIssues } from '../prioritize/rerank.js';
import { upsertCampaignCaps } from '../db/campaign-budgets.js';
import { campaignRepositories } from '../db/repositories.js';
import { classified } from './errors.js';
import { beating, HEARTBEAT_EVERY_MS, type Beat } from './heartbeat.js';

export interface CampaignDeps {
  pool: Pool;
  readerFor(kind: ForgeKind): ForgeReader;
  now?: () => Date;
}

/** What discovery and intake heartbeat: the last item done and how many so far. */
export const Checkpoint = z.object({ cursor: z.number().int().nonnegative(), done: z.number().int().nonnegative() });
export type Checkpoint = z.infer<typeof Checkpoint>;

/** The last heartbeat of a previous attempt, when it is a checkpoint (anything else starts over). */
function lastCheckpoint(): Checkpoint | undefined {
  const parsed = Checkpoint.safeParse(activityInfo().heartbeatDetails);
  return parsed.success ? parsed.data : undefined;
}

/** Runs `fn` from the last attempt's checkpoint, beating on a timer that repeats the latest checkpoint. */
function withCheckpoint<T>(fn: (from: Checkpoint | undefined, beat: Beat) => Promise<T>): Promise<T> {
  const from = lastCheckpoint();
  return beating((beat) => fn(from, beat), HEARTBEAT_EVERY_MS, from);
}

/** The campaign's stages before fan-out: discover and score repositories, take in issues, re-rank. */
export function createCampaignActivities(deps: CampaignDeps): Pick<CampaignActivities, 'campaignDiscover' | 'campaignIntake' | 'campaignRerank'> {
  const now = deps.now ?? (() => new Date());
  return {
    // Both stages beat on a timer as well as at each checkpoint: a slow first page (many local
    // repositories on a loaded machine) must not look like a dead worker.
    campaignDiscover: (opts: CampaignOptionsData) => classified(() => withCheckpoint(async (from, beat) => {
      // The campaign's own token and dollar caps, held in PostgreSQL for every model call made for it.
      await upsertCampaignCaps(deps.pool, opts.id, opts.tokenBudget, opts.usdBudget ?? null);
      const query = parseDiscoveryQuery({ domain: opts.domain, minStars: opts.minStars, ...(opts.language ? { language: opts.language } : {}) });
      const summary = await runDiscovery({ pool: deps.pool, forge: deps.readerFor(opts.forge) }, {
        query, max: opts.maxRepos, now: now(), ...(from ? { from } : {}),
        ...(opts.minHealth !== undefined ? { filters: { minHealth: opts.minHealth } } : {}),
        onProgress: (p) => beat({ cursor: p.cursor, done: p.done }),
      });
      // The repositories this campaign's domain found, with its minimum stars (the local forge has no stars).
      const approved = await campaignRepositories(deps.pool, {
        forge: opts.forge, language: opts.language ?? null, limit: opts.maxRepos, minHealth: opts.minHealth ?? null, domain: opts.domain, minStars: opts.minStars,
      });
      const repos: CampaignRepo[] = approved.map((r) => ({ forge: opts.forge, owner: r.owner, repo: r.name, language: r.language }));
      const found: CampaignDiscovery = { repos, discovered: summary.analyzed, rejected: summary.rejected, rejectedBy: summary.rejectedBy };
      if (repos.length === 0) found.emptyNote = `discovery found no repository that passed the filters: ${describeFunnel(summary)}`;
      return found;
    })),

    campaignIntake: ({ repos }) => classified(() => withCheckpoint(async (from, beat) => {
      if (repos.length === 0) return { issues: 0, skipped: 0 };
      const kind = (repos[0] as CampaignRepo).forge;
      const summary = await runIntake({ pool: deps.pool, forge: deps.readerFor(kind) }, {
        now: now(), only: repos.map((r) => `${r.owner}/${r.repo}`), ...(from ? { from } : {}),
        onProgress: (p) => beat({ cursor: p.cursor, done: p.done }),
      });
      return { issues: summary.open, skipped: summary.skipped };
    })),

    campaignRerank: () => classified(async () => {
      const result = await rerankOpenIssues(deps.pool, { now: now() });
      return { ranked: result.updated };
    }),
  };
}
