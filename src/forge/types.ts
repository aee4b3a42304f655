import { z } from 'zod';
import { UsageError } from '../errors.js';
import type { RepositorySignals } from '../scoring/signals.js';

/**
 * The READ side of a forge (GitHub, local git directories), owned by the core. The write side
 * (forks, commits, pull requests) lives in ./writer.ts. Implementations turn every outside failure
 * into the named errors of src/errors.ts (RateLimited, NotFound, Unavailable, UsageError).
 */

/** The forges the project works on. */
export const ForgeKind = z.enum(['github', 'local']);
export type ForgeKind = z.infer<typeof ForgeKind>;

export interface RepoRef {
  owner: string;
  name: string;
}

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

export const RepoRefSchema = z.object({
  owner: z.string().regex(OWNER, 'owner: letters, digits and hyphens (at most 39)'),
  name: z.string().regex(NAME, 'name: letters, digits, ".", "_" and "-" (at most 100)').refine((n) => n !== '.' && n !== '..', 'name may not be . or ..'),
});

export function refKey(ref: RepoRef): string {
  return `${ref.owner}/${ref.name}`.toLowerCase();
}

/** Parses `owner/repo`; anything else is a UsageError that says what was expected. */
export function parseRepoRef(text: string): RepoRef {
  const parts = text.trim().split('/');
  if (parts.length !== 2) throw new UsageError(`malformed repository "${text}": expected owner/repo`);
  const parsed = RepoRefSchema.safeParse({ owner: parts[0], name: parts[1] });
  if (!parsed.success) throw new UsageError(`malformed repository "${text}": ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

/** What a forge says about one asked-for repository. */
export type SignalsResult =
  | { kind: 'ok'; signals: RepositorySignals }
  /** Deleted, renamed away, made private or blocked: record it and carry on. */
  | { kind: 'gone'; reason: 'not_found' | 'forbidden'; message: string };

export interface SearchPage {
  refs: RepoRef[];
  /** Signals the search already returned (GitHub search nodes carry them), by refKey. */
  signals: Map<string, SignalsResult>;
}

export interface SearchResult {
  /** Repositories matching the whole search (before slicing and the max). */
  totalCount: number;
  /** Pages in the forge's order, stopping after `max` repositories. */
  pages: AsyncGenerator<SearchPage>;
}

export interface SearchOptions {
  max: number;
  now: Date;
}

export interface IssueComment {
  author: string | null;
  authorAssociation: string;
  body: string;
  createdAt: string;
}

export interface LinkedPullRequest {
  number: number;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
}

/** One issue with everything intake needs to decide whether to keep it. */
export interface ForgeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  isPullRequest: boolean;
  locked: boolean;
  labels: string[];
  reactions: number;
  commentCount: number;
  /** The most recent comments (up to 20), oldest first. */
  recentComments: IssueComment[];
  author: string | null;
  authorAssociation: string;
  createdAt: string;
  updatedAt: string;
  assignees: string[];
  linkedPullRequests: LinkedPullRequest[];
}

export interface IssueRequest {
  ref: RepoRef;
  /** Only issues updated at or after this instant; then closed ones are returned too, so intake can close them. */
  since?: string | undefined;
}

export type IssuesResult = { kind: 'ok'; issues: ForgeIssue[] } | { kind: 'gone'; reason: 'not_found' | 'forbidden'; message: string };

/** A repository search before slicing: keywords plus the qualifiers every slice shares. */
export interface BaseSearch {
  /** Keyword text (may be empty). */
  text: string;
  language?: string;
  topic?: string;
  minStars: number;
  /** `pushed:>=` this date (YYYY-MM-DD). */
  pushedSince?: string;
}

export interface ForgeReader {
  readonly kind: ForgeKind;
  searchRepositories(query: BaseSearch, options: SearchOptions): Promise<SearchResult>;
  repositorySignals(refs: readonly RepoRef[], now: Date): Promise<Map<string, SignalsResult>>;
  openIssues(ref: RepoRef, since?: string): Promise<ForgeIssue[]>;
  /** Several repositories at once (GitHub: one GraphQL query for many); keyed by refKey. */
  openIssuesBatch(requests: readonly IssueRequest[]): Promise<Map<string, IssuesResult>>;
}
