/** Deterministic fault injection: the same seed and request sequence give the same faults. */
import type { FaultKind, FaultPlan } from './schema.js';

/** mulberry32: small, fast, seedable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private readonly rand: () => number;
  /** Every decision in order: null for a clean request. */
  readonly log: (FaultKind | null)[] = [];

  constructor(readonly plan: FaultPlan | undefined) {
    this.rand = prng(plan?.seed ?? 0);
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
