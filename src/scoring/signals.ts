import { z } from 'zod';
import { ParsedManifest } from '../ecosystem/schema.js';

const IsoDate = z.iso.datetime({ offset: true });
const Count = z.number().int().nonnegative();

export const CheckState = z.enum(['SUCCESS', 'FAILURE', 'PENDING', 'ERROR']);
export type CheckState = z.infer<typeof CheckState>;

/**
 * Everything discovery and scoring know about one repository, gathered once by the collector
 * (GitHub or a local git history) and validated here. Scores and filters are pure functions of
 * this record plus `now`.
 */
export const RepositorySignals = z.object({
  owner: z.string().min(1).max(100),
  name: z.string().min(1).max(100),
  description: z.string().max(2000).nullable(),
  topics: z.array(z.string().max(100)).max(100),
  primaryLanguage: z.string().max(100).nullable(),
  /** Linguist language → bytes. */
  languages: z.record(z.string().max(100), Count),
  stars: Count,
  forks: Count,
  watchers: Count,
  /** Open issues, pull requests excluded. */
  openIssues: Count,
  closedIssues: Count,
  isArchived: z.boolean(),
  isDisabled: z.boolean(),
  isFork: z.boolean(),
  isTemplate: z.boolean(),
  pushedAt: IsoDate.nullable(),
  createdAt: IsoDate,
  /** SPDX id, or null when none was detected. */
  license: z.string().max(100).nullable(),
  /** Names of the entries at the top of the default branch (`README.md`, `src`, `tests`, …). */
  topLevelFiles: z.array(z.string().max(255)).max(5000),
  /** `.github/workflows` holds at least one workflow (GitHub Actions). */
  hasWorkflows: z.boolean(),
  /** Combined check/status state of the default branch's head commit. */
  defaultBranchCheckState: CheckState.nullable(),
  commitsLast90d: Count,
  /** Commit author (login, or e-mail when unlinked) → commits in the last 90 days. */
  commitAuthorsLast90d: z.record(z.string().max(320), Count),
  /** Days from open to close for a sample of recently closed issues. */
  issueCloseDurationsDays: z.array(z.number().nonnegative()).max(10_000),
  latestReleaseAt: IsoDate.nullable(),
  manifests: z.array(ParsedManifest).max(200),
  /** Test files or folders were seen anywhere in the tree (the collector's scan). */
  testsPresent: z.boolean(),
  /** A test framework named by the collector (`pytest`, `jest`, …), or null. */
  testFramework: z.string().max(100).nullable(),
  /** Packages that depend on this one (deps.dev / dependency graph); null when unknown. */
  dependents: Count.nullable().optional(),
});
export type RepositorySignals = z.infer<typeof RepositorySignals>;

export function fullName(s: Pick<RepositorySignals, 'owner' | 'name'>): string {
  return `${s.owner}/${s.name}`;
}
