import type { GitHubObserver } from '../forge/github/observe.js';
import type { WorkerMetrics } from './registry.js';

const header = (h: Readonly<Record<string, string | number | undefined>>, name: string): number | undefined => {
  const v = h[name];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};

/** Counts GitHub requests and keeps the rate limit each answer reports, per quota account (each token has its own), in the worker's metrics. */
export function githubRequestMetrics(metrics: WorkerMetrics): GitHubObserver {
  return (e) => {
    metrics.githubRequests.inc({ kind: e.write ? 'write' : 'read', method: e.method, route: e.route, status: String(e.status) });
    const remaining = header(e.headers, 'x-ratelimit-remaining');
    if (remaining === undefined) return; // no rate-limit headers (a network error, a git or non-API answer)
    const raw = e.headers['x-ratelimit-resource'];
    const resource = typeof raw === 'string' && /^[a-z_]{1,40}$/.test(raw) ? raw : 'core';
    metrics.githubRateRemaining.set({ resource, account: e.account }, remaining);
    const limit = header(e.headers, 'x-ratelimit-limit');
    if (limit !== undefined) metrics.githubRateLimit.set({ resource, account: e.account }, limit);
    const reset = header(e.headers, 'x-ratelimit-reset');
    if (reset !== undefined) metrics.githubRateReset.set({ resource, account: e.account }, reset);
  };
}
