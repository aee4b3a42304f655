import type { AiPolicy } from './ai-policy.js';
import type { ConsentFileResult } from './config-file.js';
import type { IssueCategory } from '../../scoring/categories.js';

export interface GateCaps {
  /** Open PRs of ours allowed in one repository, unless its consent file sets `maxOpenPrs`. */
  maxOpenPrsPerRepo: number;
  /** Open PRs of ours allowed across all repositories of one owner. */
  maxOpenPrsPerOwner: number;
  /** When true, only repositories with a consent file that enables us are contributed to. */
  requireOptIn: boolean;
}

export interface GateInput {
  /** A repository topic opted out (see hasOptOutTopic). */
  optOut: boolean;
  policy: AiPolicy;
  archived: boolean;
  openPrsInRepo: number;
  openPrsForOwner: number;
  caps: GateCaps;
  /** The parsed consent file, if the repository has one. */
  consentFile?: ConsentFileResult;
  /** The category of the issue about to be fixed, checked against the consent file's allow list. */
  category?: IssueCategory;
}

export type GateReason =
  | 'archived'
  | 'opted_out'
  | 'consent_file_invalid'
  | 'not_opted_in'
  | 'ai_policy_rejects'
  | 'category_not_allowed'
  | 'repo_pr_cap'
  | 'owner_pr_cap';

export type GateDecision =
  | { allowed: true; disclosureRequired: boolean; labels: string[]; autoMerge: boolean }
  | { allowed: false; reason: GateReason; detail: string };

/** Whether we may open a PR in a repository now; the first reason that says no wins. */
export function gateDecision(input: GateInput): GateDecision {
  const deny = (reason: GateReason, detail: string): GateDecision => ({ allowed: false, reason, detail });
  if (input.archived) return deny('archived', 'repository is archived');
  if (input.optOut) return deny('opted_out', 'repository topic opts out');
  const file = input.consentFile;
  if (file && !file.ok) return deny('consent_file_invalid', file.error);
  const config = file?.ok ? file.config : undefined;
  if (config && !config.enabled) return deny('opted_out', 'consent file sets enabled: false');
  if (!config && input.caps.requireOptIn) return deny('not_opted_in', 'no consent file and opt-in is required');
  if (input.policy.decision === 'rejected') {
    return deny('ai_policy_rejects', `${input.policy.path ?? 'policy'}: "${input.policy.quote ?? ''}"`);
  }
  if (input.category && config?.categories && !config.categories.includes(input.category)) {
    return deny('category_not_allowed', `category ${input.category} is not in the consent file's list`);
  }
  const repoCap = config?.maxOpenPrs ?? input.caps.maxOpenPrsPerRepo;
  if (input.openPrsInRepo >= repoCap) return deny('repo_pr_cap', `${input.openPrsInRepo} open PRs, cap ${repoCap}`);
  if (input.openPrsForOwner >= input.caps.maxOpenPrsPerOwner) {
    return deny('owner_pr_cap', `${input.openPrsForOwner} open PRs for this owner, cap ${input.caps.maxOpenPrsPerOwner}`);
  }
  return {
    allowed: true,
    // We always disclose; this records whether the repository requires it.
    disclosureRequired: input.policy.decision === 'allowed_with_disclosure',
    labels: config?.labels ?? [],
    autoMerge: config?.autoMerge ?? false,
  };
}
