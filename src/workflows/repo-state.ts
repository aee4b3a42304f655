import type { IssueFinished, QueuedIssue, RepoStatus } from './shared.js';

/** Issues worked at once. The per-repository open-PR cap is enforced by the consent gate against the forge. */
export interface RepoLimits { maxConcurrent: number }

export interface RepoSnapshot {
  queue: QueuedIssue[];
  running: QueuedIssue[];
  finished: IssueFinished[];
  paused: boolean;
  pauseReason?: string;
}

/** The entity's state, kept apart from handler wiring so it survives continue-as-new as plain data. */
export class RepoState {
  queue: QueuedIssue[];
  running: Map<number, QueuedIssue>;
  finished: IssueFinished[];
  paused: boolean;
  pauseReason: string | undefined;

  constructor(readonly repo: string, readonly limits: RepoLimits, snap?: RepoSnapshot) {
    this.queue = snap?.queue ?? [];
    this.running = new Map((snap?.running ?? []).map((q) => [q.number, q]));
    this.finished = snap?.finished ?? [];
    this.paused = snap?.paused ?? false;
    this.pauseReason = snap?.pauseReason;
  }

  /**
   * Queues issues not already queued or running. A finished issue may come again (a campaign
   * selected it because PostgreSQL says it may be tried again). Returns the issues turned away
   * because another campaign holds them, so that campaign hears `already_claimed`.
   */
  enqueue(issues: QueuedIssue[]): QueuedIssue[] {
    const held = new Map<number, QueuedIssue>([...this.queue.map((q) => [q.number, q] as const), ...this.running]);
    const refused: QueuedIssue[] = [];
    for (const issue of issues) {
      const holder = held.get(issue.number);
      if (!holder) { this.queue.push(issue); held.set(issue.number, issue); continue; }
      // The same campaign enqueueing again (a retried activity) is not a second claim.
      if (holder.campaignWorkflowId !== issue.campaignWorkflowId) refused.push(issue);
    }
    this.queue.sort((a, b) => b.priority - a.priority || a.number - b.number);
    return refused;
  }

  canStart(): boolean {
    return !this.paused && this.queue.length > 0 && this.running.size < this.limits.maxConcurrent;
  }

  next(): QueuedIssue | undefined {
    const issue = this.queue.shift();
    if (issue) this.running.set(issue.number, issue);
    return issue;
  }

  done(f: IssueFinished): void {
    this.running.delete(f.number);
    this.finished.push(f);
    if (this.finished.length > 200) this.finished.splice(0, this.finished.length - 200);
  }

  status(): RepoStatus {
    return {
      repo: this.repo, paused: this.paused, pauseReason: this.pauseReason,
      queued: this.queue.map((q) => q.number), running: [...this.running.keys()], finished: this.finished,
      limits: this.limits,
    };
  }

  snapshot(): RepoSnapshot {
    return {
      queue: this.queue, running: [...this.running.values()], finished: this.finished, paused: this.paused,
      ...(this.pauseReason ? { pauseReason: this.pauseReason } : {}),
    };
  }
}
