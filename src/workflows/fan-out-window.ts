import type { SelectedRepo } from './contracts.js';

/** `owner/repo`, as issue decisions name their repository. */
export const repoName = (r: { owner: string; repo: string }): string => `${r.owner}/${r.repo}`;
export const issueKey = (repo: string, number: number): string => `${repo}#${number}`;

/**
 * A campaign's selected issues not yet sent to their repositories, one queue per repository in
 * rank order. The campaign keeps at most its `inFlight` issues out at once, one per repository
 * (a repository works one issue at a time): the rest wait here, not as tasks on Temporal's queues,
 * so the queues stay short and the best issues go first. Plain data, so it survives continue-as-new.
 */
export class FanOutBacklog {
  private readonly repos: SelectedRepo[];

  constructor(selected: SelectedRepo[]) {
    this.repos = selected.filter((r) => r.issues.length > 0).map((r) => ({
      ...r, issues: [...r.issues], priorities: [...r.priorities], ...(r.titles ? { titles: [...r.titles] } : {}),
    }));
  }

  get size(): number {
    return this.repos.reduce((n, r) => n + r.issues.length, 0);
  }

  /** Keys (`owner/repo#n`) of every waiting issue. */
  keys(): string[] {
    return this.repos.flatMap((r) => r.issues.map((n) => issueKey(repoName(r), n)));
  }

  /**
   * The next issue of up to `room` repositories that have none out (`busy`), the best head first
   * (ties by name, so a replay takes the same); each is removed from the backlog.
   */
  take(room: number, busy: ReadonlySet<string>): SelectedRepo[] {
    if (room <= 0) return [];
    const idle = this.repos.filter((r) => r.issues.length > 0 && !busy.has(repoName(r)));
    idle.sort((a, b) => (b.priorities[0] ?? 0) - (a.priorities[0] ?? 0) || repoName(a).localeCompare(repoName(b)));
    return idle.slice(0, room).map((r) => {
      const title = r.titles?.shift();
      return { ...r, issues: [r.issues.shift() as number], priorities: [r.priorities.shift() ?? 0], ...(title !== undefined ? { titles: [title] } : {}) };
    });
  }

  /** What is left, to carry over continue-as-new. */
  remaining(): SelectedRepo[] {
    return this.repos.filter((r) => r.issues.length > 0);
  }
}

/** Issues out at once by default: enough to keep a small fleet busy, few enough that its task queues stay short. */
export const DEFAULT_IN_FLIGHT = 16;

/** A wave is sent once this many slots are free (or nothing is out), so one activity feeds several repositories. */
export const waveSize = (inFlight: number): number => Math.max(1, Math.floor(inFlight / 4));
