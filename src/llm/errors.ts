import { InvalidModelOutput, RateLimited, Unavailable, UsageError } from '../errors.js';

/** The parts of an SDK's API error that decide what it means; both SDKs share this shape. */
export interface ApiErrorLike {
  status: number | undefined;
  headers: Headers | undefined;
  message: string;
  aborted: boolean;
  connection: boolean;
}

/** When neither header says how long to wait. */
const DEFAULT_RETRY_AFTER_MS = 30_000;

/** Milliseconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const raw = headers?.get('retry-after');
  if (raw) {
    const seconds = Number.parseFloat(raw);
    if (Number.isFinite(seconds) && seconds >= 0 && /^\s*[\d.]+\s*$/.test(raw)) return Math.round(seconds * 1000);
    const at = Date.parse(raw);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  return DEFAULT_RETRY_AFTER_MS;
}

/** A 400 about what the model produced (rather than what we sent). */
const OUTPUT_PROBLEM = /tool_use_failed|failed to (call|generate|parse)|generated|model output/i;

/**
 * Turns a model API failure into one of the project's named errors:
 * 429 → RateLimited (with retry-after), 5xx/529/timeouts/resets → Unavailable,
 * 400 about model output → InvalidModelOutput, other 4xx (bad key, unknown model, bad request) → UsageError.
 * A caller's abort is returned unchanged so cancellation stays cancellation.
 */
export function mapApiError(provider: string, e: ApiErrorLike, cause: unknown): Error {
  const what = `${provider}: ${e.message}`;
  if (e.aborted) return cause instanceof Error ? cause : new Error(what);
  if (e.connection || e.status === undefined) return new Unavailable(`${provider} unreachable or timed out: ${e.message}`, { cause });
  const status = e.status;
  if (status === 429) return new RateLimited(`${provider} rate limit: ${e.message}`, retryAfterMs(e.headers), { cause });
  if (status >= 500 || status === 408 || status === 409) return new Unavailable(`${provider} unavailable (${status}): ${e.message}`, { cause });
  if (status === 400 && OUTPUT_PROBLEM.test(e.message)) return new InvalidModelOutput(what, { cause });
  if (status === 401 || status === 403) return new UsageError(`${provider} rejected the API key (${status}): ${e.message}`, { cause });
  if (status === 404) return new UsageError(`${provider} does not know the model or endpoint (404): ${e.message}`, { cause });
  return new UsageError(`${provider} rejected the request (${status}): ${e.message}`, { cause });
}
