import { logger } from '../../log.js';
import { refKey, type BaseSearch, type RepoRef, type SearchOptions, type SearchPage, type SearchResult, type SignalsResult } from '../types.js';
import type { GitHubOctokit } from './client.js';
import { graphqlRequest } from './graphql.js';
import { nodeToSignals, SIGNALS_FRAGMENT, sinceFor } from './signals.js';
import { planSlices, sliceQuery } from './slicing.js';

const log = logger.child({ component: 'github-search' });

export const SEARCH_PAGE_SIZE = 100;

const COUNT_QUERY = 'query SearchCount($q: String!) { search(query: $q, type: REPOSITORY, first: 0) { repositoryCount } }';
const PAGE_QUERY = `query SearchPage($q: String!, $first: Int!, $after: String, $since: GitTimestamp!) {
  search(query: $q, type: REPOSITORY, first: $first, after: $after) {
    repositoryCount
    pageInfo { hasNextPage endCursor }
    nodes { __typename ... on Repository { ...Signals } }
  }
}
${SIGNALS_FRAGMENT}`;

interface CountData { search: { repositoryCount: number } }
interface PageData {
  search: { repositoryCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<Record<string, unknown> | null> };
}

/**
 * Repository search through GraphQL `search(type: REPOSITORY)`: the 1,000-result cap is passed
 * by slicing (planSlices), and every result node carries the full signal selection, so
 * discovery and signals cost about one query per 100 repositories plus a few counts.
 */
export async function searchRepositories(octokit: GitHubOctokit, base: BaseSearch, options: SearchOptions, sliceLimit = 1000): Promise<SearchResult> {
  const counts = new Map<string, number>();
  const count = async (q: string): Promise<number> => {
    const known = counts.get(q);
    if (known !== undefined) return known;
    const body = await graphqlRequest<CountData>(octokit, COUNT_QUERY, { q }, 'counting search results');
    const n = body.data?.search.repositoryCount ?? 0;
    counts.set(q, n);
    return n;
  };
  const rootQuery = sliceQuery({ base, stars: { min: Math.max(0, Math.floor(base.minStars)), max: null }, created: null });
  const totalCount = await count(rootQuery);
  const since = sinceFor(options.now);

  async function* pages(): AsyncGenerator<SearchPage> {
    let remaining = options.max;
    if (remaining <= 0 || totalCount === 0) return;
    for await (const slice of planSlices(base, count, { now: options.now, limit: sliceLimit })) {
      if (!slice.complete) log.warn({ query: slice.query, totalCount: slice.totalCount }, 'search slice still exceeds 1,000 results; only the first 1,000 are reachable');
      let after: string | null = null;
      for (;;) {
        const first = Math.min(SEARCH_PAGE_SIZE, remaining);
        const body: { data: PageData | null } = await graphqlRequest<PageData>(octokit, PAGE_QUERY, { q: slice.query, first, after, since }, 'searching repositories');
        const search = body.data?.search;
        if (!search) return;
        const refs: RepoRef[] = [];
        const signals = new Map<string, SignalsResult>();
        for (const node of search.nodes) {
          if (!node || node['__typename'] !== 'Repository') continue;
          const s = nodeToSignals(node);
          const ref = { owner: s.owner, name: s.name };
          refs.push(ref);
          signals.set(refKey(ref), { kind: 'ok', signals: s });
        }
        remaining -= refs.length;
        if (refs.length > 0) yield { refs, signals };
        if (remaining <= 0) return;
        if (!search.pageInfo.hasNextPage || search.pageInfo.endCursor === null || refs.length === 0) break;
        after = search.pageInfo.endCursor;
      }
    }
  }
  return { totalCount, pages: pages() };
}
