/**
 * The project's named errors. Every outside failure is turned into one of these at the
 * boundary; `isRetryable` is the one place that decides what Temporal may retry.
 */
export abstract class GlobaLLMError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from a person or a config file: never retried, exit code 2 in the CLI. */
export class UsageError extends GlobaLLMError {
  readonly code = 'USAGE';
  readonly retryable = false;
}

/** A rate limit answered by a forge or model API; `retryAfterMs` says how long to wait. */
export class RateLimited extends GlobaLLMError {
  readonly code = 'RATE_LIMITED';
  readonly retryable = true;
  constructor(message: string, readonly retryAfterMs: number, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The thing asked for is gone (repository deleted, made private, branch removed). */
export class NotFound extends GlobaLLMError {
  readonly code = 'NOT_FOUND';
  readonly retryable = false;
}

/** A transient outside failure (5xx, reset, timeout): worth another attempt. */
export class Unavailable extends GlobaLLMError {
  readonly code = 'UNAVAILABLE';
  readonly retryable = true;
}

/** Model output that failed validation even after the repair attempt. */
export class InvalidModelOutput extends GlobaLLMError {
  readonly code = 'INVALID_MODEL_OUTPUT';
  readonly retryable = false;
}

/** A budget (tokens, PRs, writes) has no room left for this work. */
export class BudgetExhausted extends GlobaLLMError {
  readonly code = 'BUDGET_EXHAUSTED';
  readonly retryable = false;
}

/** Untrusted input tried to leave its box: a path outside the worktree, a protected file, network in tests. */
export class SandboxViolation extends GlobaLLMError {
  readonly code = 'SANDBOX_VIOLATION';
  readonly retryable = false;
}

/** A repository's consent gate said no (opt-out file, AI policy, caps). */
export class ConsentDenied extends GlobaLLMError {
  readonly code = 'CONSENT_DENIED';
  readonly retryable = false;
}

/** A service the stack needs is missing or unreachable at start-up. */
export class ServiceUnavailable extends GlobaLLMError {
  readonly code = 'SERVICE_UNAVAILABLE';
  readonly retryable = false;
}

export function isRetryable(err: unknown): boolean {
  if (err instanceof GlobaLLMError) return err.retryable;
  return true;
}

export function retryDelayMs(err: unknown): number | undefined {
  return err instanceof RateLimited ? err.retryAfterMs : undefined;
}
