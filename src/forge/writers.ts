import type { Pool } from 'pg';
import { PgWriteBudget } from '../budget/write-budget.js';
import type { GitHubOctokit } from './github/client.js';
import { GitHubWriter } from './github/writer.js';
import { LocalForgeWriter } from './local/writer.js';
import type { ForgeKind } from './types.js';
import type { ForgeWriter } from './writer.js';

/** The write side of each forge, built once: GitHub writes share the content-creation budget in PostgreSQL. */
export function createForgeWriters(s: { pool: Pool; octokit: GitHubOctokit; githubLogin: string | undefined; localRoot: string }): Record<ForgeKind, ForgeWriter> {
  const writeBudget = new PgWriteBudget(s.pool, { account: `github:${s.githubLogin ?? 'token'}` });
  return {
    github: new GitHubWriter({ octokit: s.octokit, budget: writeBudget, ...(s.githubLogin ? { login: s.githubLogin } : {}) }),
    local: new LocalForgeWriter({ pool: s.pool, root: s.localRoot }),
  };
}
