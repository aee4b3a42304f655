import { randomUUID } from 'node:crypto';
import { BudgetExhausted } from '../errors.js';
import { chargedTokens, type BudgetScopes, type Reservation, type TokenBudget, type TokenUsage } from './types.js';

export const DEFAULT_MEMORY_BUDGET_TOKENS = 5_000_000;

interface Hold { tokens: number; scopes: string[] }

export interface MemoryBudgetTotals {
  cap: number;
  charged: number;
  held: number;
  settled: number;
  released: number;
}

function scopeKeys(scopes: BudgetScopes): string[] {
  // Same scope names as the shared budget: `week`, `repo:owner/name` and `language:name`, lower-cased.
  return ['week', ...(scopes.repo ? [`repo:${scopes.repo.toLowerCase()}`] : []), ...(scopes.language ? [`language:${scopes.language.toLowerCase()}`] : [])];
}

/**
 * A token budget for one process (the CLI, tests, benchmarks): one cap on the whole run (`week`), optional caps
 * per scope key (`repo:owner/name`, `language:rust`). Same contract as the shared PostgreSQL budget.
 */
export class MemoryTokenBudget implements TokenBudget {
  private readonly holds = new Map<string, Hold>();
  private readonly done = new Set<string>();
  private readonly charged = new Map<string, number>();
  private settledCount = 0;
  private releasedCount = 0;

  constructor(private readonly cap: number = DEFAULT_MEMORY_BUDGET_TOKENS, private readonly scopeCaps: Readonly<Record<string, number>> = {}) {
    if (!Number.isFinite(cap) || cap < 0) throw new RangeError('budget cap must be a non-negative number');
  }

  private capOf(key: string): number {
    return key === 'week' ? this.cap : this.scopeCaps[key] ?? Infinity;
  }

  private used(key: string): number {
    let held = 0;
    for (const h of this.holds.values()) if (h.scopes.includes(key)) held += h.tokens;
    return (this.charged.get(key) ?? 0) + held;
  }

  reserve(request: { tokens: number; scopes: BudgetScopes; purpose: string }): Promise<Reservation> {
    if (!Number.isInteger(request.tokens) || request.tokens < 0) return Promise.reject(new RangeError('reservation tokens must be a non-negative integer'));
    const keys = scopeKeys(request.scopes);
    for (const key of keys) {
      const room = this.capOf(key) - this.used(key);
      if (request.tokens > room) {
        return Promise.reject(new BudgetExhausted(`token budget "${key}" has ${Math.max(0, room)} tokens left, ${request.tokens} needed for ${request.purpose}`));
      }
    }
    const id = randomUUID();
    this.holds.set(id, { tokens: request.tokens, scopes: keys });
    return Promise.resolve({ id, tokens: request.tokens, scopes: keys });
  }

  settle(reservationId: string, usage: TokenUsage): Promise<void> {
    const hold = this.holds.get(reservationId);
    if (!hold) {
      if (this.done.has(reservationId)) return Promise.resolve();
      return Promise.reject(new RangeError(`unknown reservation ${reservationId}`));
    }
    const tokens = chargedTokens(usage);
    for (const key of hold.scopes) this.charged.set(key, (this.charged.get(key) ?? 0) + tokens);
    this.holds.delete(reservationId);
    this.done.add(reservationId);
    this.settledCount++;
    return Promise.resolve();
  }

  release(reservationId: string): Promise<void> {
    if (this.holds.delete(reservationId)) {
      this.done.add(reservationId);
      this.releasedCount++;
    }
    return Promise.resolve();
  }

  /** Tokens charged so far to one scope key (`week`, `repo:owner/name`, `language:name`). */
  chargedTo(key: string): number {
    return this.charged.get(key) ?? 0;
  }

  totals(): MemoryBudgetTotals {
    let held = 0;
    for (const h of this.holds.values()) held += h.tokens;
    return { cap: this.cap, charged: this.charged.get('week') ?? 0, held, settled: this.settledCount, released: this.releasedCount };
  }
}
