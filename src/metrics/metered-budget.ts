import { ScopeExhausted } from '../budget/errors.js';
import type { Reservation, TokenBudget, TokenUsage } from '../budget/types.js';
import { costUsd, type CallPricing } from '../pricing/prices.js';
import type { WorkerMetrics } from './registry.js';

/** A TokenBudget that counts holds, tokens and dollars as it forwards every call. */
export class MeteredTokenBudget implements TokenBudget {
  private readonly held = new Set<string>();

  constructor(private readonly inner: TokenBudget, private readonly metrics: WorkerMetrics, private readonly pricing: CallPricing | undefined) {}

  async reserve(request: Parameters<TokenBudget['reserve']>[0]): Promise<Reservation> {
    try {
      const r = await this.inner.reserve(request);
      this.metrics.budgetHolds.inc({ result: 'granted' });
      this.held.add(r.id);
      this.metrics.budgetHeld.set(this.held.size);
      return r;
    } catch (err) {
      if (err instanceof ScopeExhausted) this.metrics.budgetHolds.inc({ result: 'refused' });
      throw err;
    }
  }

  async settle(reservationId: string, usage: TokenUsage): Promise<void> {
    await this.inner.settle(reservationId, usage);
    if (this.free(reservationId)) this.count(usage);
  }

  async release(reservationId: string): Promise<void> {
    await this.inner.release(reservationId);
    this.free(reservationId);
  }

  /** Forgets a hold; true the first time (a retried settle is counted once). */
  private free(id: string): boolean {
    const had = this.held.delete(id);
    this.metrics.budgetHeld.set(this.held.size);
    return had;
  }

  private count(u: TokenUsage): void {
    const model = this.pricing?.model ?? 'unpriced';
    this.metrics.tokens.inc({ model, kind: 'input' }, u.inputTokens);
    this.metrics.tokens.inc({ model, kind: 'output' }, u.outputTokens);
    this.metrics.tokens.inc({ model, kind: 'cache_read' }, u.cacheReadTokens);
    this.metrics.tokens.inc({ model, kind: 'cache_write' }, u.cacheWriteTokens);
    if (this.pricing) this.metrics.dollars.inc({ model }, costUsd(this.pricing.price, u));
  }
}
