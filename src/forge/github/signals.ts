import { parseManifest } from '../../ecosystem/manifests/index.js';
import type { ParsedManifest } from '../../ecosystem/schema.js';
import { logger } from '../../log.js';
import { RepositorySignals, type CheckState } from '../../scoring/signals.js';
import { refKey, type RepoRef, type SignalsResult } from '../types.js';
import type { GitHubOctokit } from './client.js';
import { gqlString, graphqlRequest } from './graphql.js';
import { RepositoryNode } from './schema.js';

const log = logger.child({ component: 'github-signals' });

/** Manifests read in the same query, by alias. */
const MANIFEST_ALIASES = {
  mNpm: 'package.json',
  mPyproject: 'pyproject.toml',
  mCargo: 'Cargo.toml',
  mGomod: 'go.mod',
  mComposer: 'composer.json',
  mGemfile: 'Gemfile',
  mRequirements: 'requirements.txt',
} as const;

/**
 * Everything health, impact, the filters and the ecosystem graph need, in one selection. Used
 * both on `repository(...)` aliases and on search result nodes, so discovery gets its signals
 * with the search itself. Connections: 7 per repository (cost ≈ 7 points per 100 repositories).
 */
export const SIGNALS_FRAGMENT = `
fragment Signals on Repository {
  owner { login }
  name
  description
  repositoryTopics(first: 20) { nodes { topic { name } } }
  primaryLanguage { name }
  languages(first: 10, orderBy: { field: SIZE, direction: DESC }) { edges { size node { name } } }
  stargazerCount
  forkCount
  watchers { totalCount }
  openIssues: issues(states: OPEN) { totalCount }
  closedIssues: issues(states: CLOSED) { totalCount }
  recentClosed: issues(states: CLOSED, first: 20, orderBy: { field: UPDATED_AT, direction: DESC }) { nodes { createdAt closedAt } }
  isArchived
  isDisabled
  isFork
  isTemplate
  pushedAt
  createdAt
  licenseInfo { spdxId }
  latestRelease { publishedAt }
  defaultBranchRef {
    target {
      ... on Commit {
        history(since: $since, first: 100) { totalCount nodes { author { email user { login } } } }
        statusCheckRollup { state }
      }
    }
  }
  root: object(expression: "HEAD:") { ... on Tree { entries { name type } } }
  workflows: object(expression: "HEAD:.github/workflows") { ... on Tree { entries { name } } }
${Object.entries(MANIFEST_ALIASES).map(([alias, file]) => `  ${alias}: object(expression: ${gqlString(`HEAD:${file}`)}) { ... on Blob { text } }`).join('\n')}
}`;

const DAY_MS = 86_400_000;
const TEST_DIRS = new Set(['test', 'tests', 'spec', 'specs', '__tests__', 'testing', 'e2e']);

export function sinceFor(now: Date): string {
  return new Date(now.getTime() - 90 * DAY_MS).toISOString();
}

function checkState(s: string | undefined): CheckState | null {
  if (s === undefined) return null;
  if (s === 'SUCCESS' || s === 'FAILURE' || s === 'ERROR' || s === 'PENDING') return s;
  if (s === 'EXPECTED') return 'PENDING';
  return null;
}

function validIso(s: string | null | undefined): string | null {
  return typeof s === 'string' && !Number.isNaN(Date.parse(s)) ? new Date(Date.parse(s)).toISOString() : null;
}

/** A validated repository node → RepositorySignals (validated again against the core schema). */
export function nodeToSignals(raw: unknown): RepositorySignals {
  const n = RepositoryNode.parse(raw);
  const authors: Record<string, number> = {};
  const target = n.defaultBranchRef?.target ?? null;
  for (const c of target?.history?.nodes ?? []) {
    const who = c?.author?.user?.login ?? c?.author?.email?.toLowerCase() ?? null;
    if (who) authors[who] = (authors[who] ?? 0) + 1;
  }
  const languages: Record<string, number> = {};
  for (const e of n.languages?.edges ?? []) if (e) languages[e.node.name] = e.size;
  const durations = n.recentClosed.nodes.flatMap((i) => {
    if (!i?.closedAt) return [];
    const d = (Date.parse(i.closedAt) - Date.parse(i.createdAt)) / DAY_MS;
    return Number.isFinite(d) && d >= 0 ? [d] : [];
  });
  const manifests: ParsedManifest[] = [];
  for (const [alias, file] of Object.entries(MANIFEST_ALIASES) as Array<[keyof typeof MANIFEST_ALIASES, string]>) {
    const text = n[alias]?.text;
    if (typeof text === 'string') {
      const m = parseManifest(file, text);
      if (m) manifests.push(m);
    }
  }
  const entries = n.root?.entries ?? [];
  const topLevelFiles = entries.map((e) => e.name).slice(0, 5000);
  return RepositorySignals.parse({
    owner: n.owner.login,
    name: n.name,
    description: n.description?.slice(0, 2000) ?? null,
    topics: n.repositoryTopics.nodes.flatMap((t) => (t ? [t.topic.name] : [])),
    primaryLanguage: n.primaryLanguage?.name ?? null,
    languages,
    stars: n.stargazerCount,
    forks: n.forkCount,
    watchers: n.watchers.totalCount,
    openIssues: n.openIssues.totalCount,
    closedIssues: n.closedIssues.totalCount,
    isArchived: n.isArchived,
    isDisabled: n.isDisabled,
    isFork: n.isFork,
    isTemplate: n.isTemplate,
    pushedAt: validIso(n.pushedAt),
    createdAt: validIso(n.createdAt) ?? new Date(0).toISOString(),
    license: n.licenseInfo?.spdxId && n.licenseInfo.spdxId !== 'NOASSERTION' ? n.licenseInfo.spdxId : null,
    topLevelFiles,
    hasWorkflows: (n.workflows?.entries ?? []).some((e) => /\.ya?ml$/i.test(e.name)),
    defaultBranchCheckState: checkState(target?.statusCheckRollup?.state),
    commitsLast90d: target?.history?.totalCount ?? 0,
    commitAuthorsLast90d: authors,
    issueCloseDurationsDays: durations,
    latestReleaseAt: validIso(n.latestRelease?.publishedAt),
    manifests,
    testsPresent: entries.some((e) => e.type === 'tree' && TEST_DIRS.has(e.name.toLowerCase())),
    testFramework: null,
    dependents: null,
  });
}

/** Repositories per `repository(...)` batch: keeps the node count and response size modest. */
export const SIGNALS_BATCH = 25;

function batchQuery(refs: readonly RepoRef[]): string {
  const aliases = refs.map((r, i) => `  r${i}: repository(owner: ${gqlString(r.owner)}, name: ${gqlString(r.name)}) { ...Signals }`).join('\n');
  return `query RepositorySignals($since: GitTimestamp!) {\n${aliases}\n}\n${SIGNALS_FRAGMENT}`;
}

/**
 * Signals for many repositories, SIGNALS_BATCH per GraphQL query with aliases. A repository
 * that vanished or became private comes back as `gone`; the others are unaffected.
 */
export async function fetchSignals(octokit: GitHubOctokit, refs: readonly RepoRef[], now: Date): Promise<Map<string, SignalsResult>> {
  const out = new Map<string, SignalsResult>();
  for (let start = 0; start < refs.length; start += SIGNALS_BATCH) {
    const batch = refs.slice(start, start + SIGNALS_BATCH);
    const body = await graphqlRequest<Record<string, unknown>>(octokit, batchQuery(batch), { since: sinceFor(now) }, 'reading repository signals');
    batch.forEach((ref, i) => {
      const alias = `r${i}`;
      const node = body.data?.[alias];
      const err = body.errors.find((e) => e.path?.[0] === alias);
      if (node === null || node === undefined) {
        const forbidden = err?.type === 'FORBIDDEN';
        out.set(refKey(ref), { kind: 'gone', reason: forbidden ? 'forbidden' : 'not_found', message: err?.message ?? 'repository not found' });
        return;
      }
      try {
        out.set(refKey(ref), { kind: 'ok', signals: nodeToSignals(node) });
      } catch (e) {
        log.warn({ repo: refKey(ref), err: e instanceof Error ? e.message : String(e) }, 'repository payload failed validation');
        throw e;
      }
    });
  }
  return out;
}
