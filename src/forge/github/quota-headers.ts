/**
 * What a GitHub response says of its quota, read from its headers and validated: requests left
 * (`x-ratelimit-remaining`) until the reset (`x-ratelimit-reset`, epoch seconds), and how long to
 * hold off (`retry-after`, or a minute for a secondary limit that names no wait, as GitHub asks).
 */
import { z } from 'zod';

/** The quota buckets requests are paced in (GitHub's `x-ratelimit-resource`). */
export type QuotaResource = 'core' | 'search' | 'graphql';

/** GitHub's quotas reset within the hour; a reset further away is not believed. */
const MAX_RESET_AHEAD_MS = 3_700_000;
/** A secondary limit without `retry-after`: GitHub asks for at least a minute. */
export const SECONDARY_DEFAULT_WAIT_MS = 60_000;
/** Longest `retry-after` believed (GitHub's secondary limits ask for minutes, not hours). */
const MAX_RETRY_AFTER_MS = 3_600_000;

const Count = z.string().regex(/^\d{1,9}$/).transform(Number);
const QuotaHeaders = z.object({
  'x-ratelimit-remaining': Count,
  'x-ratelimit-reset': z.string().regex(/^\d{9,11}$/).transform((s) => Number(s) * 1000),
  'x-ratelimit-limit': Count.optional(),
});

export type QuotaReading =
  | { kind: 'quota'; remaining: number; resetAt: number }
  | { kind: 'unusable'; why: string };

type Headers = Record<string, string | number | undefined>;

const text = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return v === undefined ? undefined : String(v).trim();
};

/** The quota a response reports, or why it cannot be believed (missing, malformed, contradictory). */
export function readQuota(headers: Headers, now: number): QuotaReading {
  const raw = { 'x-ratelimit-remaining': text(headers, 'x-ratelimit-remaining'), 'x-ratelimit-reset': text(headers, 'x-ratelimit-reset'), 'x-ratelimit-limit': text(headers, 'x-ratelimit-limit') };
  if (raw['x-ratelimit-remaining'] === undefined || raw['x-ratelimit-reset'] === undefined) return { kind: 'unusable', why: 'no x-ratelimit-remaining/reset headers' };
  const parsed = QuotaHeaders.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
  if (!parsed.success) return { kind: 'unusable', why: `malformed quota headers: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}` };
  const q = parsed.data;
  if (q['x-ratelimit-limit'] !== undefined && q['x-ratelimit-remaining'] > q['x-ratelimit-limit']) return { kind: 'unusable', why: 'x-ratelimit-remaining is above x-ratelimit-limit' };
  if (q['x-ratelimit-reset'] > now + MAX_RESET_AHEAD_MS) return { kind: 'unusable', why: 'x-ratelimit-reset is more than an hour ahead' };
  return { kind: 'quota', remaining: q['x-ratelimit-remaining'], resetAt: q['x-ratelimit-reset'] };
}

/**
 * Milliseconds the response asks every request to wait: its `retry-after` (seconds or an HTTP
 * date), or a minute for a 403/429 that says it is a secondary limit without one; 0 otherwise.
 * A `retry-after` that is not a number or a date, or is beyond an hour, counts as missing.
 */
export function holdOff(status: number, headers: Headers, message: string, now: number): number {
  const given = text(headers, 'retry-after');
  if (given !== undefined) {
    const ms = /^\d{1,7}$/.test(given) ? Number(given) * 1000 : Date.parse(given) - now;
    if (Number.isFinite(ms) && ms >= 0 && ms <= MAX_RETRY_AFTER_MS) return ms;
  }
  if ((status === 403 || status === 429) && /secondary rate limit|abuse/i.test(message)) return SECONDARY_DEFAULT_WAIT_MS;
  return 0;
}

/** The bucket a request is counted in, from its URL. */
export function resourceOf(url: string): QuotaResource {
  const path = url.replace(/^https?:\/\/[^/]+/, '').split('?')[0] ?? '';
  if (/(^|\/)graphql$/.test(path)) return 'graphql';
  if (/(^|\/)search\//.test(path)) return 'search';
  return 'core';
}
