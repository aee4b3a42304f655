import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import { retry } from '@octokit/plugin-retry';
import Bottleneck from 'bottleneck';
import { logger } from '../../log.js';
import { isWriteRequest, mayUseAnyToken, type RequestShape } from './writes.js';
import { graphqlCost } from './graphql-cost.js';
import { holdOff, readQuota, resourceOf } from './quota-headers.js';
import type { Pool } from 'pg';
import { PgQuotaPacer, quotaAccount } from './quota-pacer.js';
import { observeRequests, type GitHubObserver } from './observe.js';

const log = logger.child({ component: 'github' });

/** Octokit with GitHub's limits honoured: built once per process. Observation comes first: it sees every attempt. */
export const GitHubOctokit = Octokit.plugin(observeRequests, throttling, retry);
export type GitHubOctokit = InstanceType<typeof GitHubOctokit>;

/**
 * GitHub asks for a second between content-creating requests. The throttling plugin spaces every
 * GraphQL request so, queries too (3,600 an hour, below the GraphQL quota): its write group is
 * left unspaced, and this process's writes (mutations included) are spaced here instead.
 */
const WRITE_SPACING_MS = 1_000;
const writeSpacing = new Bottleneck({ maxConcurrent: 1, minTime: WRITE_SPACING_MS });
const unspacedPluginWrites = new Bottleneck.Group({});

export interface GitHubClientOptions {
  baseUrl: string;
  /** The identity token: every write, and every read that asks who the token is, is sent with it. */
  token?: string | undefined;
  /**
   * Further tokens (distinct from `token`) that the pacer spreads the other reads over, each
   * paced by its own quotas. Without a pacer they are not used.
   */
  extraTokens?: readonly string[];
  /** Short waits are absorbed here; longer ones surface as RateLimited so Temporal waits instead. */
  maxInlineWaitSeconds?: number;
  userAgent?: string;
  /** Paces every request by the quotas GitHub reports, shared across workers. */
  pacer?: PgQuotaPacer;
  /** Told of every request sent (each retry and page), e.g. to count them in the worker's metrics. */
  observe?: GitHubObserver | undefined;
}

interface RequestOutcome { status?: number; headers?: Record<string, string | number | undefined>; message?: string }

/** A token and the quota account it counts against. */
interface PacedToken { token: string | undefined; account: string }

/**
 * Each request takes a unit of a quota first: the identity token's, or, for a request any token
 * may send (see mayUseAnyToken), the best of every token's; it is sent with that token, and its
 * answer, success or error, says what is left of that token's quota.
 */
function paceRequests(octokit: GitHubOctokit, pacer: PgQuotaPacer, tokens: readonly PacedToken[]): void {
  const identity = tokens.slice(0, 1);
  octokit.hook.wrap('request', async (request, options) => {
    const resource = resourceOf(options.url);
    const candidates = mayUseAnyToken(options) ? tokens : identity;
    const cost = resource === 'graphql' ? graphqlCost(options['query'], options['variables']) : 1;
    const account = await pacer.acquire(resource, candidates.map((t) => t.account), cost);
    const token = candidates.find((t) => t.account === account)?.token;
    if (token) options.headers = { ...options.headers, authorization: `token ${token}` };
    const tell = async (o: RequestOutcome): Promise<void> => {
      const headers = o.headers ?? {};
      await pacer.record(account, resource, readQuota(headers, Date.now()), holdOff(o.status ?? 0, headers, o.message ?? '', Date.now()));
    };
    try {
      const response = await request(options);
      await tell({ status: response.status, headers: response.headers });
      return response;
    } catch (err) {
      const e = err as { status?: number; response?: { headers?: RequestOutcome['headers'] }; message?: string };
      // A request that never reached GitHub says nothing of the quota.
      if (e.response) await tell({ ...(e.status !== undefined ? { status: e.status } : {}), headers: e.response.headers ?? {}, message: e.message ?? '' });
      throw err;
    }
  });
}

export function createGitHubClient(opts: GitHubClientOptions): GitHubOctokit {
  if (!opts.token) {
    log.warn({ baseUrl: opts.baseUrl }, 'neither GITHUB_TOKEN nor GITHUB_TOKENS is set: unauthenticated requests are limited to 60 per hour');
  }
  const maxWait = opts.maxInlineWaitSeconds ?? 60;
  const octokit = new GitHubOctokit({
    baseUrl: opts.baseUrl.replace(/\/$/, ''),
    // A paced client sets each request's token itself (Octokit's token auth would overwrite it).
    ...(opts.token && !opts.pacer ? { auth: opts.token } : {}),
    userAgent: opts.userAgent ?? 'globallm',
    ...(opts.observe ? { observe: opts.observe } : {}),
    retry: { retries: 2 },
    throttle: {
      write: unspacedPluginWrites,
      // Only reads wait inline; a write surfaces as RateLimited and is repeated by its caller, inside the write budget.
      onRateLimit: (retryAfter: number, options: RequestShape & { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        log.warn({ retryAfter, method: options.method, url: options.url, retryCount }, 'primary rate limit');
        return retryCount < 1 && retryAfter <= maxWait && !isWriteRequest(options);
      },
      onSecondaryRateLimit: (retryAfter: number, options: RequestShape & { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        log.warn({ retryAfter, method: options.method, url: options.url, retryCount }, 'secondary rate limit');
        return retryCount < 1 && retryAfter <= maxWait && !isWriteRequest(options);
      },
    },
  });
  // Reads are retried on 5xx and network errors; writes never are (a lost response may mean the
  // write happened), so repeating one is left to the caller, who checks first.
  octokit.hook.before('request', async (options) => {
    if (!isWriteRequest(options)) return;
    options.request = { ...options.request, retries: 0 };
    await writeSpacing.schedule(() => Promise.resolve());
  });
  if (opts.pacer) paceRequests(octokit, opts.pacer, [opts.token, ...(opts.token ? opts.extraTokens ?? [] : [])].map((token) => ({ token, account: quotaAccount(token) })));
  return octokit;
}

/**
 * The client of a process that has the database (workers and CLI commands alike): every request
 * is paced by its token's quotas, shared with every other such process through PostgreSQL, and
 * reads any token may send are spread over the identity and the extra tokens.
 */
export function pacedGitHubClient(pool: Pool, opts: Omit<GitHubClientOptions, 'pacer'>): GitHubOctokit {
  return createGitHubClient({ ...opts, pacer: new PgQuotaPacer(pool) });
}
