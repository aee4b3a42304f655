import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The metrics one worker process exposes (a registry of its own, so several can live in one process). */
export interface WorkerMetrics {
  registry: Registry;
  /** Each activity (pipeline stage) execution: seconds, by stage and outcome (`ok`, `failed`, `cancelled`). */
  stageSeconds: Histogram<'stage' | 'outcome'>;
  /** Model tokens charged, by model and kind (input, output, cache_read, cache_write). */
  tokens: Counter<'model' | 'kind'>;
  /** US dollars charged, by model. */
  dollars: Counter<'model'>;
  /** Budget reservations asked for, by result (`granted`, `refused`). */
  budgetHolds: Counter<'result'>;
  /** Budget reservations this process holds now. */
  budgetHeld: Gauge;
  /** GitHub HTTP requests (every attempt), by kind (`read`, `write`), method, route template and status (`error`: no answer). */
  githubRequests: Counter<'kind' | 'method' | 'route' | 'status'>;
  /** GitHub's rate limit as its last answer gave it, by resource (`core`, `search`, `graphql`, …). */
  githubRateRemaining: Gauge<'resource' | 'account'>;
  githubRateLimit: Gauge<'resource' | 'account'>;
  /** When the resource's rate-limit window resets, in Unix seconds. */
  githubRateReset: Gauge<'resource' | 'account'>;
}

export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'globallm_' });
  const registers = [registry];
  return {
    registry,
    stageSeconds: new Histogram({ name: 'globallm_stage_duration_seconds', help: 'Activity (pipeline stage) execution time', labelNames: ['stage', 'outcome'], buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 1800], registers }),
    tokens: new Counter({ name: 'globallm_llm_tokens_total', help: 'Model tokens charged', labelNames: ['model', 'kind'], registers }),
    dollars: new Counter({ name: 'globallm_llm_cost_usd_total', help: 'US dollars charged for model calls (price table)', labelNames: ['model'], registers }),
    budgetHolds: new Counter({ name: 'globallm_budget_holds_total', help: 'Token budget reservations asked for', labelNames: ['result'], registers }),
    budgetHeld: new Gauge({ name: 'globallm_budget_held', help: 'Token budget reservations held by this process now', registers }),
    githubRequests: new Counter({ name: 'globallm_github_requests_total', help: 'GitHub HTTP requests sent (every attempt), by kind (read, write), method, route and status', labelNames: ['kind', 'method', 'route', 'status'], registers }),
    githubRateRemaining: new Gauge({ name: 'globallm_github_rate_limit_remaining', help: 'Requests left in the rate-limit window (x-ratelimit-remaining of the last answer), per quota account', labelNames: ['resource', 'account'], registers }),
    githubRateLimit: new Gauge({ name: 'globallm_github_rate_limit_limit', help: 'Requests allowed per rate-limit window (x-ratelimit-limit)', labelNames: ['resource', 'account'], registers }),
    githubRateReset: new Gauge({ name: 'globallm_github_rate_limit_reset_seconds', help: 'When the rate-limit window resets, Unix seconds (x-ratelimit-reset)', labelNames: ['resource', 'account'], registers }),
  };
}
