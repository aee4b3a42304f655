import type { Octokit } from '@octokit/rest';
import { quotaAccount } from './quota-pacer.js';
import { isWriteRequest } from './writes.js';

/** One HTTP attempt at GitHub and how it was answered. */
export interface GitHubRequestEvent {
  method: string;
  /** The route template (`/repos/{owner}/{repo}/pulls`), literal URLs folded to one (see routeLabel). */
  route: string;
  write: boolean;
  /** The HTTP status, or `error` when no answer came (a reset connection, a timeout). */
  status: number | 'error';
  headers: Readonly<Record<string, string | number | undefined>>;
  /** The quota account the request counted against (`token:<hash prefix>`, never the token; `anonymous` without one). */
  account: string;
}

/** Told of every request the client sends, retries and pagination included. */
export type GitHubObserver = (event: GitHubRequestEvent) => void;

const LONGEST_ROUTE = 120;

/**
 * A bounded label for a request's URL. Route templates are kept as they are; a literal URL (a
 * pagination link) loses its host and query, the owner and name after `/repos/` become
 * `{owner}/{repo}`, and numeric segments `{n}`, so labels stay few whatever is requested.
 */
export function routeLabel(url: string | undefined): string {
  if (!url) return 'unknown';
  let path = url.replace(/^https?:\/\/[^/]+/, '').split('?')[0] ?? '';
  if (!path.includes('{')) {
    path = path.replace(/^(\/api\/v3)?\/repos\/[^/]+\/[^/]+/, '/repos/{owner}/{repo}').replace(/\/\d+(?=\/|$)/g, '/{n}');
  }
  return path.slice(0, LONGEST_ROUTE) || '/';
}

interface FailureShape { status?: unknown; response?: { headers?: Record<string, string | number | undefined> } }

/**
 * The token a request went with: the one a pacer set on it (it picks among several), else the
 * client's own (Octokit's token auth sets it on a request after this hook has seen it).
 */
function tokenOfRequest(headers: unknown, clientAuth: unknown): string | undefined {
  const auth = (headers as Record<string, unknown> | undefined)?.['authorization'];
  const m = typeof auth === 'string' ? /^(?:token|bearer)\s+(\S+)$/i.exec(auth) : null;
  if (m?.[1]) return m[1];
  return typeof clientAuth === 'string' && clientAuth !== '' ? clientAuth : undefined;
}

/**
 * An Octokit plugin that reports every attempt to `options.observe`. Listed before the throttling
 * and retry plugins, its hook is the innermost: each retry and each page is one event.
 */
export function observeRequests(octokit: Pick<Octokit, 'hook'>, options: Record<string, unknown>): void {
  if (typeof options['observe'] !== 'function') return;
  const observe = options['observe'] as GitHubObserver;
  octokit.hook.wrap('request', async (request, opts) => {
    const base = {
      method: (opts.method ?? 'GET').toUpperCase(), route: routeLabel(opts.url), write: isWriteRequest(opts),
      account: quotaAccount(tokenOfRequest(opts.headers, options['auth'])),
    };
    try {
      const res = await request(opts);
      observe({ ...base, status: res.status, headers: res.headers });
      return res;
    } catch (err) {
      const failure = err as FailureShape;
      observe({ ...base, status: typeof failure.status === 'number' ? failure.status : 'error', headers: failure.response?.headers ?? {} });
      throw err;
    }
  });
}
