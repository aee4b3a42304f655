import { declinedReason, findDeclined } from '../db/declined-issues.js';
import type { ForgeKind } from '../forge/types.js';
import { IssueCategory } from '../scoring/categories.js';
import { findIssue } from '../db/issues.js';
import { checkConsent, type ConsentDeps, type ConsentOutcome } from './check-consent.js';
import { recordConsent } from '../db/consent-decisions.js';

export interface IssueConsentRef {
  forge: ForgeKind;
  owner: string;
  repo: string;
  number: number;
}

/** Declined for good (why), or the consent gate's outcome for the repository. */
export type IssueConsent = { declined: string } | { outcome: ConsentOutcome };

/**
 * Whether a PR may be opened for one issue. A maintainer closed our PR for it once: never again,
 * however long ago (the refusal is recorded). Otherwise the consent gate decides, its category
 * allow-list checked against the issue's analyzed category.
 */
export async function checkIssueConsent(deps: ConsentDeps, ref: IssueConsentRef): Promise<IssueConsent> {
  const repo = { owner: ref.owner, name: ref.repo };
  const declined = await findDeclined(deps.pool, ref.forge, repo, ref.number);
  if (declined) {
    const detail = declinedReason(declined);
    await recordConsent(deps.pool, { forge: ref.forge, repo, issueNumber: ref.number, allowed: false, reason: 'maintainer_closed', detail, ...(declined.prUrl ? { source: declined.prUrl } : {}) });
    return { declined: detail };
  }
  const category = IssueCategory.safeParse((await findIssue(deps.pool, ref))?.category);
  return { outcome: await checkConsent(deps, repo, { number: ref.number, ...(category.success ? { category: category.data } : {}) }) };
}
