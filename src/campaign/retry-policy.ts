import type { RecordIssueRunInput } from '../workflows/contracts.js';

export interface IssueAfterRun {
  /** The issue's state in PostgreSQL (an issue skipped at intake stays skipped until intake sees it change). */
  state: 'open' | 'failed' | 'done';
  /** Whether the cool-down (GLOBALLM_RETRY_AFTER_HOURS) applies before a campaign may select it again. */
  coolDown: boolean;
}

/**
 * When an issue is tried again, from how its run ended:
 * - a PR opened (or a dry run's preview saved): done, never selected again;
 * - no fix, skipped by the consent gate or the PR caps, or failed by an outage (retries of a model or
 *   GitHub outage exhausted, cancelled): tried again after the cool-down, or as soon as intake sees
 *   the issue change (new comments, edits);
 * - failed because of the issue itself (bad input, refused by policy, not found): final.
 */
export function issueAfterRun(result: RecordIssueRunInput['result'], detail: Record<string, unknown>): IssueAfterRun {
  switch (result) {
    case 'pr_opened':
    case 'dry_run':
      return { state: 'done', coolDown: false };
    case 'no_fix':
    case 'skipped':
      return { state: 'open', coolDown: true };
    case 'failed':
      return detail['final'] === true ? { state: 'failed', coolDown: false } : { state: 'open', coolDown: true };
  }
}
