import { SA } from '../temporal/search-attributes.js';
import { taskQueue } from '../temporal/task-queues.js';
import type { RepoWorkflowInput } from './repo.js';
import { repoWorkflowId } from './shared.js';
import { repoDetails, repoSummary } from './summaries.js';
import type { ForgeKind } from '../forge/types.js';

export interface RepoToStart {
  forge: ForgeKind;
  owner: string;
  repo: string;
  language?: string | null;
}

/**
 * How a repository's entity workflow is started, whoever starts it (a campaign's fan-out, or an
 * operator pausing a repository before its first campaign): always with signal-with-start, so
 * the first signal and the start are one atomic step.
 */
export function repoWorkflowStart(repo: RepoToStart, taskQueuePrefix: string) {
  const args: [RepoWorkflowInput] = [{ forge: repo.forge, owner: repo.owner, repo: repo.repo, taskQueuePrefix }];
  return {
    workflowId: repoWorkflowId({ owner: repo.owner, repo: repo.repo }),
    taskQueue: taskQueue(taskQueuePrefix, 'core'),
    args,
    staticSummary: repoSummary(repo),
    staticDetails: repoDetails({ ...repo, language: repo.language ?? null }),
    typedSearchAttributes: [{ key: SA.repo, value: `${repo.owner}/${repo.repo}` }, ...(repo.language ? [{ key: SA.language, value: repo.language }] : [])],
  };
}
