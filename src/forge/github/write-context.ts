import type { WriteBudget } from '../../budget/write-budget.js';
import type { GitHubOctokit } from './client.js';

/** What every GitHub write helper needs: the shared client, the write budget and who we are. */
export interface GitHubWriteContext {
  octokit: GitHubOctokit;
  budget: WriteBudget;
  /** Login of the token's account (cached after the first look-up). */
  viewer(): Promise<string>;
}

export function httpStatus(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : undefined;
}

export function errorMessage(err: unknown): string {
  const data = typeof err === 'object' && err !== null && 'response' in err ? (err as { response?: { data?: unknown } }).response?.data : undefined;
  const parts: string[] = [];
  if (typeof data === 'object' && data !== null) {
    const d = data as { message?: unknown; errors?: unknown };
    if (typeof d.message === 'string') parts.push(d.message);
    if (Array.isArray(d.errors)) for (const e of d.errors as unknown[]) if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') parts.push(String((e as { message: string }).message));
  }
  if (parts.length === 0) parts.push(err instanceof Error ? err.message : String(err));
  return parts.join(': ');
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
      return;
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
