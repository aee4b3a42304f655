import type { RepositorySignals } from '../../src/scoring/signals.js';
import { refKey, type BaseSearch, type ForgeIssue, type ForgeReader, type IssueRequest, type IssuesResult, type RepoRef, type SearchOptions, type SearchPage, type SearchResult, type SignalsResult } from '../../src/forge/types.js';

export function signals(owner: string, name: string, over: Partial<RepositorySignals> = {}): RepositorySignals {
  return {
    owner, name, description: 'A parsing library', topics: [], primaryLanguage: 'Python', languages: { Python: 1000 },
    stars: 500, forks: 20, watchers: 10, openIssues: 3, closedIssues: 7, isArchived: false, isDisabled: false, isFork: false, isTemplate: false,
    pushedAt: '2025-06-01T00:00:00.000Z', createdAt: '2020-01-01T00:00:00.000Z', license: 'MIT', topLevelFiles: ['pyproject.toml', 'tests'],
    hasWorkflows: true, defaultBranchCheckState: 'SUCCESS', commitsLast90d: 20, commitAuthorsLast90d: { a: 10, b: 10 },
    issueCloseDurationsDays: [2, 4], latestReleaseAt: '2025-05-01T00:00:00.000Z',
    manifests: [{ path: 'pyproject.toml', ecosystem: 'pypi', publishes: name, isPrivate: false, dependencies: [], error: null }],
    testsPresent: true, testFramework: null, dependents: null, ...over,
  };
}

/** A scripted forge: search text → repositories; counts every call; can fail once on demand. */
export class FakeForge implements ForgeReader {
  readonly kind = 'github' as const;
  searchCalls: string[] = [];
  signalCalls = 0;
  issueCalls: IssueRequest[][] = [];
  failOnSearch: string | null = null;
  issues = new Map<string, ForgeIssue[]>();
  constructor(readonly byText: Record<string, RepositorySignals[]>, readonly gone = new Set<string>(), readonly pageSize = 2) {}

  searchRepositories(query: BaseSearch, options: SearchOptions): Promise<SearchResult> {
    this.searchCalls.push(query.text);
    if (this.failOnSearch === query.text) {
      this.failOnSearch = null;
      return Promise.reject(new Error('worker crashed'));
    }
    const list = (this.byText[query.text] ?? []).slice(0, options.max);
    const size = this.pageSize;
    async function* pages(): AsyncGenerator<SearchPage> {
      for (let i = 0; i < list.length; i += size) {
        await Promise.resolve();
        const chunk = list.slice(i, i + size);
        // Signals are left out so the run has to ask for them (like a plain search would).
        yield { refs: chunk.map((s) => ({ owner: s.owner, name: s.name })), signals: new Map() };
      }
    }
    return Promise.resolve({ totalCount: list.length, pages: pages() });
  }

  repositorySignals(refs: readonly RepoRef[]): Promise<Map<string, SignalsResult>> {
    this.signalCalls += 1;
    const all = Object.values(this.byText).flat();
    return Promise.resolve(new Map(refs.map((r): [string, SignalsResult] => {
      const s = all.find((x) => refKey(x) === refKey(r));
      return [refKey(r), !s || this.gone.has(refKey(r)) ? { kind: 'gone', reason: 'not_found', message: 'gone' } : { kind: 'ok', signals: s }];
    })));
  }

  async openIssues(ref: RepoRef, since?: string): Promise<ForgeIssue[]> {
    const r = (await this.openIssuesBatch([{ ref, since }])).get(refKey(ref));
    return r?.kind === 'ok' ? r.issues : [];
  }

  openIssuesBatch(requests: readonly IssueRequest[]): Promise<Map<string, IssuesResult>> {
    this.issueCalls.push([...requests]);
    return Promise.resolve(new Map(requests.map((q): [string, IssuesResult] => {
      if (this.gone.has(refKey(q.ref))) return [refKey(q.ref), { kind: 'gone', reason: 'not_found', message: 'gone' }];
      const list = (this.issues.get(refKey(q.ref)) ?? []).filter((i) => (q.since === undefined ? i.state === 'open' : Date.parse(i.updatedAt) >= Date.parse(q.since)));
      return [refKey(q.ref), { kind: 'ok', issues: list }];
    })));
  }
}
