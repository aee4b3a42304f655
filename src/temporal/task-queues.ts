/**
 * Task queues by kind of work: orchestration and database activities, GitHub-bound
 * activities (server-side rate limited), model calls, and the low-concurrency sandbox.
 * Pure, with no imports: workflows build their queue names here too.
 */
export const TASK_QUEUE_KINDS = ['core', 'github', 'llm', 'sandbox'] as const;
export type TaskQueueKind = (typeof TASK_QUEUE_KINDS)[number];

/** The one place a task-queue name is built: `<prefix>-<kind>`. */
export function taskQueue(prefix: string, kind: TaskQueueKind): string {
  return `${prefix}-${kind}`;
}

/** The prefix a queue of this kind was built with (the name itself when it is not of that kind). */
export function taskQueuePrefixOf(queue: string, kind: TaskQueueKind): string {
  const suffix = `-${kind}`;
  return queue.endsWith(suffix) ? queue.slice(0, -suffix.length) : queue;
}

export function taskQueues(prefix: string) {
  return {
    core: taskQueue(prefix, 'core'),
    github: taskQueue(prefix, 'github'),
    llm: taskQueue(prefix, 'llm'),
    sandbox: taskQueue(prefix, 'sandbox'),
  } as const;
}
export type TaskQueues = ReturnType<typeof taskQueues>;
