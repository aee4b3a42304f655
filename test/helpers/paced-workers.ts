import assert from 'node:assert/strict';
import type { Pool } from 'pg';
import { createGitHubClient, type GitHubClientOptions } from '../../src/forge/github/client.js';
import { PgQuotaPacer } from '../../src/forge/github/quota-pacer.js';
import { RateLimited } from '../../src/errors.js';

const repo = { owner: 'pyfoundry', repo: 'quickparse' };

export interface PacedReads {
  /** Reads GitHub answered. */
  ok: number;
  /** Reads the pacer held back (each error passed `isPaced`). */
  paced: number;
  /** Every status GitHub answered; the pacer's own refusals (RateLimited) never reached it. */
  statuses: number[];
}

/**
 * Two workers, each with its own real client and pacer on `pool`, read one repository `reads`
 * times each at once; an error that fails `isPaced` fails the test.
 */
export async function twoPacedWorkersRead(pool: Pool, baseUrl: string, client: Pick<GitHubClientOptions, 'token' | 'extraTokens'>, reads: number, isPaced: (err: unknown) => boolean): Promise<PacedReads> {
  const out: PacedReads = { ok: 0, paced: 0, statuses: [] };
  const workers = [0, 1].map(() => {
    const octokit = createGitHubClient({ baseUrl, ...client, pacer: new PgQuotaPacer(pool, { maxInlineWaitMs: 2_000 }) });
    octokit.hook.after('request', (r) => { out.statuses.push(r.status); });
    octokit.hook.error('request', (e) => { if (!(e instanceof RateLimited)) out.statuses.push((e as { status: number }).status); throw e; });
    return octokit;
  });
  await Promise.all(workers.map(async (octokit) => {
    for (let i = 0; i < reads; i++) {
      try {
        await octokit.rest.repos.get(repo);
        out.ok++;
      } catch (err) {
        assert.ok(isPaced(err), String(err));
        out.paced++;
      }
    }
  }));
  return out;
}
