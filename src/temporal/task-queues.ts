/**
 * Task queues by kind of work: orchestration and database activities, GitHub-bound
 * activities (server-side rate limited), model calls, and the low-concurrency sandbox.
 */
export function taskQueues(prefix: string) {
  return {
    core: `${prefix}-core`,
    github: `${prefix}-github`,
    llm: `${prefix}-llm`,
    sandbox: `${prefix}-sandbox`,
  } as const;
}
export type TaskQueues = ReturnType<typeof taskQueues>;
