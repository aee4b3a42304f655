import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { createGitHubClient } from '../../src/forge/github/client.js';
import { GitHubWriter } from '../../src/forge/github/writer.js';
import type { GitHubStandIn } from '../../src/sim/github/server.js';
import { unlimitedWrites, type WriteBudget } from '../../src/budget/write-budget.js';

const run = promisify(execFile);
export const gitEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir(), GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.org' };

export async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await run('git', args, { cwd, env: gitEnv, maxBuffer: 16 * 1024 * 1024 })).stdout.trim();
}

/** The project's real client (throttling + retry) pointed at the stand-in, counting GraphQL mutations. */
export function writerFor(gh: GitHubStandIn, budget: WriteBudget = unlimitedWrites): { writer: GitHubWriter; mutations: () => number } {
  const octokit = createGitHubClient({ baseUrl: gh.url, token: 'test-token', maxInlineWaitSeconds: 0 });
  let mutations = 0;
  octokit.hook.before('request', (options) => {
    const q = (options as { query?: unknown }).query;
    if (String(options.url).endsWith('/graphql') && typeof q === 'string' && /^\s*mutation\b/.test(q)) mutations += 1;
  });
  return { writer: new GitHubWriter({ octokit, budget }), mutations: () => mutations };
}

/** Content-creating requests the stand-in saw: REST writes plus GraphQL mutations. */
export function writes(gh: GitHubStandIn, mutations: () => number): number {
  return gh.counters.rest_write + mutations();
}
