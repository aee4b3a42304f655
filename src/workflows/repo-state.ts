import type { IssueFinished, QueuedIssue, RepoStatus } from './shared.js';

/** Issues worked at once. The per-repository open-PR cap is enforced by the consent gate against the forge. */
export interface RepoLimits { maxConcurrent: number }

export interface RepoSnapshot {
  queue: QueuedIssue[];
  running: number[];
  finished: IssueFinished[];
  paused: boolean;
  pauseReason?: string;
}

/** The entity's state, kept apart from handler wiring so it survives continue-as-new as plain data. */
export class RepoState {
  queue: QueuedIssue[];
  running: Set<number>;
  finished: IssueFinished[];
  paused: boolean;
  pauseReason: string | undefined;

  constructor(readonly repo: string, readonly limits: RepoLimits, snap?: RepoSnapshot) {
    this.queue = snap?.queue ?? [];
    this.running = new Set(snap?.running ?? []);
    this.finished = snap?.finished ?? [];
    this.paused = snap?.paused ?? false;
    this.pauseReason = snap?.pauseReason;
  }

  enqueue(issues: QueuedIssue[]): void {
    const known = new Set([...this.queue.map((q) => q.number), ...this.running, ...this.finished.map((f) => f.number)]);
    for (const issue of issues) if (!known.has(issue.number)) { this.queue.push(issue); known.add(issue.number); }
    this.queue.sort((a, b) => b.priority - a.priority || a.number - b.number);
  }

  canStart(): boolean {
    return !this.paused && this.queue.length > 0 && this.running.size < this.limits.maxConcurrent;
  }

  next(): QueuedIssue | undefined {
    const issue = this.queue.shift();
    if (issue) this.running.add(issue.number);
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
      queued: this.queue.map((q) => q.number), running: [...this.running], finished: this.finished,
      limits: this.limits,
    };
  }

  snapshot(): RepoSnapshot {
    return {
      queue: this.queue, running: [...this.running], finished: this.finished, paused: this.paused,
      ...(this.pauseReason ? { pauseReason: this.pauseReason } : {}),
    };
  }
}
