import { ApplicationFailure, TemporalFailure } from '@temporalio/workflow';
import { NON_RETRYABLE } from './stage-options.js';

/**
 * Whether a stage's failure is final for the issue: an error another attempt cannot fix (bad
 * input, refused by policy, not found). Retries exhausted on an outage (model, GitHub, timeouts)
 * are not final: the issue is tried again by a later campaign.
 */
export function failureIsFinal(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e instanceof ApplicationFailure) return !NOT_THE_ISSUES_FAULT.includes(e.type ?? '') && (e.nonRetryable || NON_RETRYABLE.includes(e.type ?? ''));
    if (!(e instanceof TemporalFailure)) break;
  }
  return false;
}

/**
 * Non-retryable, yet no fault of the issue: the budget runs out for everyone alike, and a model's
 * malformed answer (after its repair attempt) says nothing about the issue; another call may do.
 */
const NOT_THE_ISSUES_FAULT = ['BudgetExhausted', 'InvalidModelOutput'];

/** The innermost message of a failure chain (the activity's own error, not Temporal's wrapper). */
export function rootMessage(err: unknown): string {
  let message = err instanceof Error ? err.message : String(err);
  for (let e: unknown = err; e instanceof Error; e = e.cause) if (e.message) message = e.message;
  return message;
}
