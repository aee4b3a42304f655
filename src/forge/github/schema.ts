import { z } from 'zod';

/** GraphQL payloads, checked at the boundary. Lenient where GitHub may answer null. */

const Count = z.object({ totalCount: z.number().int().nonnegative() });
const Blob = z.object({ text: z.string().nullable().optional() }).nullable().optional();

export const RepositoryNode = z.object({
  owner: z.object({ login: z.string() }),
  name: z.string(),
  description: z.string().nullable(),
  repositoryTopics: z.object({ nodes: z.array(z.object({ topic: z.object({ name: z.string() }) }).nullable()) }),
  primaryLanguage: z.object({ name: z.string() }).nullable(),
  languages: z.object({ edges: z.array(z.object({ size: z.number().int().nonnegative(), node: z.object({ name: z.string() }) }).nullable()).nullable() }).nullable(),
  stargazerCount: z.number().int().nonnegative(),
  forkCount: z.number().int().nonnegative(),
  watchers: Count,
  openIssues: Count,
  closedIssues: Count,
  recentClosed: z.object({ nodes: z.array(z.object({ createdAt: z.string(), closedAt: z.string().nullable() }).nullable()) }),
  isArchived: z.boolean(),
  isDisabled: z.boolean(),
  isFork: z.boolean(),
  isTemplate: z.boolean(),
  pushedAt: z.string().nullable(),
  createdAt: z.string(),
  licenseInfo: z.object({ spdxId: z.string().nullable() }).nullable(),
  latestRelease: z.object({ publishedAt: z.string().nullable() }).nullable(),
  defaultBranchRef: z.object({
    target: z.object({
      history: z.object({
        totalCount: z.number().int().nonnegative(),
        nodes: z.array(z.object({ author: z.object({ email: z.string().nullable(), user: z.object({ login: z.string() }).nullable() }).nullable() }).nullable()),
      }).optional(),
      statusCheckRollup: z.object({ state: z.string() }).nullable().optional(),
    }).nullable(),
  }).nullable(),
  root: z.object({ entries: z.array(z.object({ name: z.string(), type: z.string() })).optional() }).nullable(),
  workflows: z.object({ entries: z.array(z.object({ name: z.string() })).optional() }).nullable(),
  mNpm: Blob,
  mPyproject: Blob,
  mCargo: Blob,
  mGomod: Blob,
  mComposer: Blob,
  mGemfile: Blob,
  mRequirements: Blob,
});
export type RepositoryNode = z.infer<typeof RepositoryNode>;

const Actor = z.object({ login: z.string() }).nullable();
const PullRef = z.object({ number: z.number().int(), state: z.enum(['OPEN', 'CLOSED', 'MERGED']) });

export const IssueNode = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string().nullable(),
  state: z.enum(['OPEN', 'CLOSED']),
  locked: z.boolean(),
  author: Actor,
  authorAssociation: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  labels: z.object({ nodes: z.array(z.object({ name: z.string() }).nullable()) }).nullable(),
  assignees: z.object({ nodes: z.array(Actor) }),
  reactions: z.object({ totalCount: z.number().int().nonnegative() }),
  comments: z.object({
    totalCount: z.number().int().nonnegative(),
    nodes: z.array(z.object({ author: Actor, authorAssociation: z.string(), body: z.string(), createdAt: z.string() }).nullable()),
  }),
  closedByPullRequestsReferences: z.object({ nodes: z.array(PullRef.nullable()) }).nullable(),
  timelineItems: z.object({
    nodes: z.array(z.object({
      source: PullRef.partial().nullable().optional(),
      subject: PullRef.partial().nullable().optional(),
    }).nullable()),
  }),
});
export type IssueNode = z.infer<typeof IssueNode>;

export const IssuePage = z.object({
  issues: z.object({
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
    nodes: z.array(z.unknown()),
  }),
});
