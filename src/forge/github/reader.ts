import { NotFound } from '../../errors.js';
import { refKey, type BaseSearch, type ForgeIssue, type ForgeReader, type IssueRequest, type IssuesResult, type RepoRef, type SearchOptions, type SearchResult, type SignalsResult } from '../types.js';
import type { GitHubOctokit } from './client.js';
import { fetchIssues } from './issues.js';
import { searchRepositories } from './search.js';
import { fetchSignals } from './signals.js';

/** The GitHub implementation of ForgeReader, over the one shared Octokit. */
export class GitHubForgeReader implements ForgeReader {
  readonly kind = 'github' as const;
  /** `sliceLimit` is GitHub's 1,000-result cap; tests lower it to exercise slicing cheaply. */
  constructor(private readonly octokit: GitHubOctokit, private readonly sliceLimit = 1000) {}

  searchRepositories(query: BaseSearch, options: SearchOptions): Promise<SearchResult> {
    return searchRepositories(this.octokit, query, options, this.sliceLimit);
  }

  repositorySignals(refs: readonly RepoRef[], now: Date): Promise<Map<string, SignalsResult>> {
    return fetchSignals(this.octokit, refs, now);
  }

  async openIssues(ref: RepoRef, since?: string): Promise<ForgeIssue[]> {
    const res = (await this.openIssuesBatch([{ ref, since }])).get(refKey(ref));
    if (!res || res.kind === 'gone') throw new NotFound(`${ref.owner}/${ref.name}: ${res?.message ?? 'not found'}`);
    return res.issues;
  }

  openIssuesBatch(requests: readonly IssueRequest[]): Promise<Map<string, IssuesResult>> {
    return fetchIssues(this.octokit, requests);
  }
}
