/**
 * Token budgets that hold across every worker on every machine: a reservation is taken
 * atomically in PostgreSQL before each model call and settled with the API's own usage after
 * it (or released when the call fails), so concurrent workers can never overspend.
 */
import type { TokenUsage } from './schema.js';

// The schema lives with the other budget schemas; this module stays free of zod, so light commands
// that only need a budget's constants do not load it.
export type { TokenUsage };

/** What a call is charged against: the week always, plus the repository and language when known. */
export interface BudgetScopes {
  repo?: string; // owner/name
  language?: string;
  /** A campaign id: the call also counts against that campaign's own caps (`--token-budget`, `--usd-budget`). */
  campaign?: string;
}

export interface Reservation {
  id: string;
  tokens: number;
  scopes: string[];
}

export interface ReserveRequest {
  tokens: number;
  /**
   * Of `tokens`, the call's output cap (max_tokens). A dollar cap holds these at the model's
   * output price and the rest at its dearest input price; without it every token is held at the dearest.
   */
  outputTokens?: number;
  scopes: BudgetScopes;
  purpose: string;
  /** Names the paid call (workflow, activity, attempt, call number): reserving the same key again returns the same hold. */
  key?: string;
}

export interface TokenBudget {
  /** Holds `tokens` against every scope, or throws BudgetExhausted naming the scope with no room. */
  reserve(request: ReserveRequest): Promise<Reservation>;
  /** Charges the actual usage (may be less or more than reserved) and frees the hold. Idempotent. */
  settle(reservationId: string, usage: TokenUsage): Promise<void>;
  /** Frees the hold without charging (the call failed before the API charged anything). Idempotent. */
  release(reservationId: string): Promise<void>;
}

/** Total tokens charged for a usage record. */
export function chargedTokens(u: TokenUsage): number {
  return u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;
}

/**
 * Asks the model provider what it billed for the calls tagged with a hold, for holds whose answer
 * was never recorded (the worker died in between). `calls` is 0 when the provider stored none.
 * Throws when the provider cannot say (lookup failed, or its answer did not validate).
 */
export interface StoredUsageLookup {
  storedUsage(reservationId: string): Promise<{ usage: TokenUsage; calls: number }>;
}
