/** The consent gate's inputs in ONE GraphQL query: repository facts plus each file as an `object(expression:)` alias. */
import { NotFound } from '../../errors.js';
import type { RepoRef } from '../types.js';
import { CONSENT_READ_PATHS, type ConsentSnapshot } from '../writer.js';
import { graphqlRequest, gqlString } from './graphql.js';

/** Larger files are truncated: a policy that matters is near the top. */
const MAX_FILE_CHARS = 100_000;

/**
 * The consent query; it asks who the token is (`viewer`) only while that is not known, since a
 * query without `viewer` may go with any of several tokens (see mayUseAnyToken).
 */
export function consentQuery(repo: RepoRef, paths: readonly string[] = CONSENT_READ_PATHS, askViewer = true): string {
  const files = paths.map((p, i) => `f${i}: object(expression: ${gqlString(`HEAD:${p}`)}) { ... on Blob { text isBinary } }`).join('\n    ');
  return `query { ${askViewer ? 'viewer { login }' : ''}
  repository(owner: ${gqlString(repo.owner)}, name: ${gqlString(repo.name)}) {
    isArchived autoMergeAllowed
    repositoryTopics(first: 20) { nodes { topic { name } } }
    defaultBranchRef { name target { oid } }
    ${files}
  } }`;
}

interface BlobNode {
  text?: string | null;
  isBinary?: boolean | null;
}

type RepoNode = {
  isArchived: boolean;
  autoMergeAllowed: boolean;
  repositoryTopics: { nodes: { topic: { name: string } }[] };
  defaultBranchRef: { name: string; target: { oid: string } | null } | null;
} & Record<string, unknown>;

/** The consent gate's inputs; `viewer`, the token's login, when already known, is not asked again. */
export async function readConsentSnapshot(octokit: Parameters<typeof graphqlRequest>[0], repo: RepoRef, viewer?: string): Promise<ConsentSnapshot> {
  const res = await graphqlRequest<{ viewer?: { login: string }; repository: RepoNode | null }>(octokit, consentQuery(repo, CONSENT_READ_PATHS, viewer === undefined), {}, `reading consent files of ${repo.owner}/${repo.name}`);
  const r = res.data?.repository;
  if (!r) throw new NotFound(`repository ${repo.owner}/${repo.name} not found: ${res.errors.map((e) => e.message).join('; ')}`);
  const files: ConsentSnapshot['files'] = [];
  CONSENT_READ_PATHS.forEach((path, i) => {
    const blob = r[`f${i}`] as BlobNode | null | undefined;
    if (blob && typeof blob.text === 'string' && blob.isBinary !== true) files.push({ path, text: blob.text.slice(0, MAX_FILE_CHARS) });
  });
  return {
    repo,
    viewer: viewer ?? res.data?.viewer?.login ?? '',
    archived: r.isArchived,
    topics: r.repositoryTopics.nodes.map((n) => n.topic.name),
    autoMergeAllowed: r.autoMergeAllowed,
    defaultBranch: r.defaultBranchRef?.name ?? 'main',
    baseOid: r.defaultBranchRef?.target?.oid ?? null,
    files,
  };
}
