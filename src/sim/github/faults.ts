/** Deterministic fault injection: the same seed and request sequence give the same faults. */
import type { FaultKind, FaultPlan } from './schema.js';
import { seededRandom } from '../../util/seeded-random.js';


export class FaultInjector {
  private readonly rand: () => number;
  /** Every decision in order: null for a clean request. */
  readonly log: (FaultKind | null)[] = [];

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
}
