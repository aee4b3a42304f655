import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { join } from 'node:path';
import { createDoctorActivities } from './doctor.js';
import { createAnalysisActivities } from './analysis.js';
import { createOrchestrationActivities } from './orchestration.js';
import { createIssueStageActivities } from './issue-stages.js';
import { createCampaignActivities } from './campaign.js';
import { selectAnalyzer } from '../analysis/select.js';
import { createLlmProvider } from '../llm/registry.js';
import type { Config } from '../config/load.js';
import type { PostgresTokenBudget } from '../budget/postgres-budget.js';
import { ActivityBudget } from '../budget/activity-budget.js';
import type { TokenBudget } from '../budget/types.js';
import { pacedGitHubClient } from '../forge/github/client.js';
import { githubClientOptions } from '../forge/github/from-config.js';
import { allGitHubTokens } from '../config/github-tokens.js';
import type { GitHubObserver } from '../forge/github/observe.js';
import { createForgeReader } from '../forge/registry.js';
import type { ForgeKind, ForgeReader } from '../forge/types.js';
import { createForgeWriters } from '../forge/writers.js';
import { cacheDirOf, environmentCacheFrom, sandboxFrom } from '../environment/from-config.js';
import { gitBaseUrl } from '../forge/github/git-url.js';
import { pricingFor } from '../pricing/for-config.js';
import { startFollowUpFromClient } from './follow-up-client.js';

export interface ActivityDeps {
  pool: Pool;
  identity: string;
  client: Client;
  taskQueuePrefix: string;
  config: Config;
  /** Model calls and fixes are charged here, keyed per activity attempt (see ActivityBudget). */
  budget: PostgresTokenBudget;
  /** Wraps the budget activities charge, e.g. to count holds, tokens and dollars in the worker's metrics. */
  meter?: (budget: TokenBudget) => TokenBudget;
  /** Told of every GitHub request, e.g. to count requests and keep the rate limit in the worker's metrics. */
  observeGitHub?: GitHubObserver;
}

/** The credential values this deployment holds: never to appear in anything it publishes. */
export function secretValues(config: Config): string[] {
  const values = [...allGitHubTokens(config.githubTokens), config.ANTHROPIC_API_KEY, config.OPENAI_API_KEY];
  try {
    if (config.DATABASE_URL) values.push(decodeURIComponent(new URL(config.DATABASE_URL).password));
  } catch {
    // an unreadable URL holds no password we could recognise
  }
  return values.filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** Where the local forge's repositories and the fix stage's cache live. */
export function localRoot(config: Config): string {
  return config.GLOBALLM_LOCAL_ROOT ?? join(config.stateDir, 'repos');
}

/** Every activity, built once per worker from its dependencies. Workflows see only the type. */
export function createActivities(deps: ActivityDeps) {
  const { config, pool } = deps;
  const keyed = new ActivityBudget(deps.budget, pool);
  const budget = deps.meter ? deps.meter(keyed) : keyed;
  const llm = createLlmProvider(config);
  const octokit = pacedGitHubClient(pool, { ...githubClientOptions(config), observe: deps.observeGitHub });
  const root = localRoot(config);
  const readers = new Map<ForgeKind, ForgeReader>();
  const readerFor = (kind: ForgeKind): ForgeReader => {
    const existing = readers.get(kind);
    if (existing) return existing;
    const reader = createForgeReader({ kind, githubApiUrl: config.GITHUB_API_URL, githubToken: config.githubTokens.identity, octokit, localRoot: root, pool });
    readers.set(kind, reader);
    return reader;
  };
  const writers = createForgeWriters({ pool, octokit, githubLogin: config.GITHUB_LOGIN, localRoot: root });
  const caps = { maxOpenPrsPerRepo: config.GLOBALLM_MAX_OPEN_PRS_PER_REPO, maxOpenPrsPerOwner: config.GLOBALLM_MAX_OPEN_PRS_PER_OWNER, requireOptIn: config.GLOBALLM_REQUIRE_OPT_IN };
  return {
    ...createDoctorActivities(deps),
    ...createAnalysisActivities({ pool, budget: deps.budget, analyzerFor: (kind) => selectAnalyzer(kind, { llm, budget }) }),
    ...createOrchestrationActivities({ ...deps, retryAfterHours: config.GLOBALLM_RETRY_AFTER_HOURS }),
    ...createCampaignActivities({ pool, readerFor }),
    ...createIssueStageActivities({
      pool, caps, stateDir: config.stateDir, candidates: config.GLOBALLM_FIX_CANDIDATES, secrets: secretValues(config), pricing: pricingFor(config),
      writerFor: (kind) => writers[kind],
      startFollowUp: (input) => startFollowUpFromClient(deps.client, input),
      sourceFor: (ref) => (ref.forge === 'local' ? { localPath: join(root, ref.repo) } : { cloneUrl: `${gitBaseUrl(config.GITHUB_API_URL)}/${ref.owner}/${ref.repo}.git` }),
      fix: { llm, budget, cacheDir: cacheDirOf(config), options: { maxOutputTokens: config.GLOBALLM_FIX_MAX_OUTPUT_TOKENS } },
      validation: { sandbox: sandboxFrom(config), environments: environmentCacheFrom(config), cacheDir: cacheDirOf(config), openUnproven: config.GLOBALLM_OPEN_UNPROVEN },
    }),
  };
}
export type Activities = ReturnType<typeof createActivities>;
