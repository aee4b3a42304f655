import { NotFound, RateLimited, Unavailable, UsageError } from '../../errors.js';

/**
 * Turns what Octokit throws (RequestError with status and response headers, network errors)
 * into the project's named errors. Rate limits carry the wait: `retry-after` seconds when
 * given, else the time until `x-ratelimit-reset`, else a minute.
 */
const DEFAULT_WAIT_MS = 60_000;

interface HttpLikeError {
  status?: unknown;
  message?: unknown;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function header(err: HttpLikeError, name: string): string | undefined {
  const v = err.response?.headers?.[name];
  return v === undefined ? undefined : String(v);
}

/** Milliseconds to wait before the limit lifts, from GitHub's headers. */
export function rateLimitDelayMs(headers: { retryAfter?: string | undefined; reset?: string | undefined }, nowMs: number): number {
  const retryAfter = headers.retryAfter === undefined ? NaN : Number(headers.retryAfter);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return Math.max(1000, retryAfter * 1000);
  const reset = headers.reset === undefined ? NaN : Number(headers.reset);
  if (Number.isFinite(reset) && reset > 0) return Math.max(1000, reset * 1000 - nowMs + 1000);
  return DEFAULT_WAIT_MS;
}

function isRateLimit(status: number, err: HttpLikeError, message: string): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  return header(err, 'x-ratelimit-remaining') === '0' || header(err, 'retry-after') !== undefined || /rate limit/i.test(message);
}

export function toForgeError(err: unknown, what: string, nowMs = Date.now()): Error {
  if (err instanceof RateLimited || err instanceof NotFound || err instanceof Unavailable || err instanceof UsageError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as HttpLikeError;
  const status = typeof e.status === 'number' ? e.status : Number.NaN;
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (isRateLimit(status, e, message)) {
    const wait = rateLimitDelayMs({ retryAfter: header(e, 'retry-after'), reset: header(e, 'x-ratelimit-reset') }, nowMs);
    return new RateLimited(`GitHub rate limit while ${what}: ${message}`, wait, { cause: err });
  }
  if (status === 404 || status === 410 || status === 451) return new NotFound(`${what}: ${message}`, { cause: err });
  if (status === 401) return new UsageError(`GitHub rejected a token while ${what} (check GITHUB_TOKEN and GITHUB_TOKENS)`, { cause: err });
  if (status === 400 || status === 422) return new UsageError(`GitHub rejected the request while ${what}: ${message}`, { cause: err });
  return new Unavailable(`GitHub unavailable while ${what}: ${message}`, { cause: err });
}

/** A GraphQL `errors` entry. */
export interface GraphqlErrorEntry {
  type?: string;
  message: string;
  path?: Array<string | number>;
}

/** Errors of a whole GraphQL document (not tied to one alias) become one named error. */
export function graphqlDocumentError(errors: readonly GraphqlErrorEntry[], what: string): Error {
  const first = errors[0];
  const text = errors.map((e) => e.message).join('; ');
  if (first?.type === 'RATE_LIMITED') return new RateLimited(`GitHub GraphQL rate limit while ${what}: ${text}`, DEFAULT_WAIT_MS);
  if (first?.type === 'MAX_NODE_LIMIT_EXCEEDED' || first?.type === undefined) return new UsageError(`GitHub rejected the GraphQL query while ${what}: ${text}`);
  return new Unavailable(`GitHub GraphQL error while ${what}: ${text}`);
}
