import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export const ThrottledOctokit = Octokit.plugin(throttling, retry);

export interface LimitEvents {
  primary: number[];
  secondary: number[];
}

/** The real client stack the project uses, pointed at the stand-in; it never retries limits. */
export function client(baseUrl: string, events: LimitEvents = { primary: [], secondary: [] }): InstanceType<typeof ThrottledOctokit> {
  return new ThrottledOctokit({
    auth: 'test-token',
    baseUrl,
    throttle: {
      onRateLimit: (retryAfter: number) => {
        events.primary.push(retryAfter);
        return false;
      },
      onSecondaryRateLimit: (retryAfter: number) => {
        events.secondary.push(retryAfter);
        return false;
      },
    },
    retry: { doNotRetry: [400, 401, 403, 404, 405, 409, 410, 422, 451, 500, 502, 501] },
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
}

export function statusOf(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'status' in err ? Number(err.status) : undefined;
}
