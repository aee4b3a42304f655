import { ApplicationFailure } from '@temporalio/common';
import { ZodError } from 'zod';
import { GlobaLLMError, isRetryable, RateLimited, retryDelayMs } from '../errors.js';

/**
 * The one classifier from named errors to Temporal failures. Rate limits become
 * `GitHubRateLimited` (or `RateLimited` for other services) with `nextRetryDelay` set to the
 * wait the service asked for; non-retryable errors (NotFound, UsageError, …) stop retries; the
 * rest are retried by the activity's retry policy. Already-built ApplicationFailures pass through.
 */
export function toApplicationFailure(err: unknown, service: 'github' | 'other' = 'github'): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error ? err : undefined;
  if (err instanceof RateLimited) {
    return ApplicationFailure.create({
      type: service === 'github' ? 'GitHubRateLimited' : 'RateLimited',
      message,
      nonRetryable: false,
      nextRetryDelay: retryDelayMs(err) ?? 60_000,
      ...(cause ? { cause } : {}),
    });
  }
  // Input that fails validation will fail the same way on every attempt.
  if (err instanceof ZodError) return ApplicationFailure.create({ type: 'InvalidInput', message, nonRetryable: true, cause: err });
  const type = err instanceof GlobaLLMError ? err.name : err instanceof Error ? err.name : 'Error';
  return ApplicationFailure.create({ type, message, nonRetryable: !isRetryable(err), ...(cause ? { cause } : {}) });
}

/** Runs `fn`, rethrowing any failure through the classifier. */
export async function classified<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toApplicationFailure(err);
  }
}
