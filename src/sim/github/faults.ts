/** Deterministic fault injection: the same seed and request sequence give the same faults. */
import type { FaultKind, FaultPlan } from './schema.js';
import { seededRandom } from '../../util/seeded-random.js';


export class FaultInjector {
  private readonly rand: () => number;
  /** Every decision in order: null for a clean request. */
  readonly log: (FaultKind | null)[] = [];
  /** Commits refused and slow forks handed out so far. */
  commitsRefused = 0;
  slowForks = 0;
  pullClosesFailed = 0;

  constructor(readonly plan: FaultPlan | undefined) {
    this.rand = seededRandom(plan?.seed ?? 0);
  }

  next(): FaultKind | null {
    if (!this.plan) return null;
    const roll = this.rand();
    const pick = this.rand();
    const rate = this.plan.rate ?? 0.1;
    const kind = roll < rate ? this.plan.kinds[Math.floor(pick * this.plan.kinds.length)] ?? null : null;
    this.log.push(kind);
    return kind;
  }

  /** Whether this `createCommitOnBranch` is one of the first `refuseCommits` (answered 422). */
  refuseCommit(): boolean {
    if (this.commitsRefused >= (this.plan?.refuseCommits ?? 0)) return false;
    this.commitsRefused += 1;
    return true;
  }

  /** Whether this request to close a pull request is one of the first `failPullCloses` (answered 502). */
  failPullClose(): boolean {
    if (this.pullClosesFailed >= (this.plan?.failPullCloses ?? 0)) return false;
    this.pullClosesFailed += 1;
    return true;
  }

  /** How long a fork created now stays unusable: the first `slowForks.count` take `slowForks.delayMs`. */
  forkDelayMs(usual: number): number {
    const slow = this.plan?.slowForks;
    if (!slow || this.slowForks >= slow.count) return usual;
    this.slowForks += 1;
    return slow.delayMs;
  }
}
