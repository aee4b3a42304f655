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
import type { TokenBudget } from '../budget/types.js';
import { createGitHubClient } from '../forge/github/client.js';
import { createForgeReader } from '../forge/registry.js';
import type { ForgeKind, ForgeReader } from '../forge/types.js';
import type { ForgeWriter } from '../forge/writer.js';
import { GitHubWriter } from '../forge/github/writer.js';
import { LocalForgeWriter } from '../forge/local/writer.js';
import { PgWriteBudget } from '../writes/budget.js';
import { BubblewrapSandbox } from '../sandbox/bubblewrap.js';
import { gitBaseUrl } from '../forge/github/git-url.js';
import { pricingFor } from '../pricing/for-config.js';

export interface ActivityDeps {
  pool: Pool;
  identity: string;
  client: Client;
  taskQueuePrefix: string;
  config: Config;
  /** Model calls and fixes are charged here (PostgreSQL-backed in production). */
  budget: TokenBudget;
}

/** Where the local forge's repositories and the fix stage's cache live. */
export function localRoot(config: Config): string {
  return config.GLOBALLM_LOCAL_ROOT ?? join(config.stateDir, 'repos');
}

/** Every activity, built once per worker from its dependencies. Workflows see only the type. */
export function createActivities(deps: ActivityDeps) {
  const { config, pool } = deps;
  const llm = createLlmProvider(config);
  const octokit = createGitHubClient({ baseUrl: config.GITHUB_API_URL, token: config.GITHUB_TOKEN });
  const root = localRoot(config);
  const readers = new Map<ForgeKind, ForgeReader>();
  const readerFor = (kind: ForgeKind): ForgeReader => {
    const existing = readers.get(kind);
    if (existing) return existing;
    const reader = createForgeReader({ kind, githubApiUrl: config.GITHUB_API_URL, githubToken: config.GITHUB_TOKEN, octokit, localRoot: root, pool });
    readers.set(kind, reader);
    return reader;
  };
  const writeBudget = new PgWriteBudget(pool, { account: `github:${config.GITHUB_LOGIN ?? 'token'}` });
  const writers: Record<ForgeKind, ForgeWriter> = {
    github: new GitHubWriter({ octokit, budget: writeBudget, ...(config.GITHUB_LOGIN ? { login: config.GITHUB_LOGIN } : {}) }),
    local: new LocalForgeWriter({ pool, root }),
  };
  const caps = { maxOpenPrsPerRepo: config.GLOBALLM_MAX_OPEN_PRS_PER_REPO, maxOpenPrsPerOwner: config.GLOBALLM_MAX_OPEN_PRS_PER_OWNER, requireOptIn: config.GLOBALLM_REQUIRE_OPT_IN };
  return {
    ...createDoctorActivities(deps),
    ...createAnalysisActivities({ pool, analyzerFor: (kind) => selectAnalyzer(kind, { llm, budget: deps.budget }) }),
    ...createOrchestrationActivities(deps),
    ...createCampaignActivities({ pool, readerFor }),
    ...createIssueStageActivities({
      pool, caps, stateDir: config.stateDir, pricing: pricingFor(config),
      writerFor: (kind) => writers[kind],
      sourceFor: (ref) => (ref.forge === 'local' ? { localPath: join(root, ref.repo) } : { cloneUrl: `${gitBaseUrl(config.GITHUB_API_URL)}/${ref.owner}/${ref.repo}.git` }),
      fix: { llm, budget: deps.budget, sandbox: new BubblewrapSandbox(), cacheDir: config.GLOBALLM_CACHE_DIR ?? join(config.stateDir, 'cache') },
    }),
  };
}
export type Activities = ReturnType<typeof createActivities>;
