import { GitError, runGit } from '../../git/run.js';

export interface SearchHit {
  path: string;
  line: number;
  text: string;
  term: string;
}

const MAX_LINE = 200;

/**
 * Fixed-string code search with `git grep -n -F` over the tracked files, one term at a time so
 * each hit says which term found it. Terms are data (after `-e`), never options or patterns.
 */
export async function codeSearch(worktree: string, terms: readonly string[], options: { maxHitsPerTerm?: number; maxTerms?: number; signal?: AbortSignal } = {}): Promise<SearchHit[]> {
  const hits: SearchHit[] = [];
  const perTerm = options.maxHitsPerTerm ?? 8;
  for (const term of terms.slice(0, options.maxTerms ?? 12)) {
    if (term.length < 3 || term.length > 100 || /[\u0000-\u001f]/.test(term)) continue;
    let out: string;
    try {
      out = await runGit(['grep', '-n', '-I', '-F', '--no-color', '-e', term, '--', '.'], { cwd: worktree, signal: options.signal, timeoutMs: 60_000 });
    } catch (err) {
      if (err instanceof GitError && err.exitCode === 1) continue; // no match
      throw err;
    }
    let n = 0;
    for (const line of out.split('\n')) {
      const m = /^(.+?):(\d+):(.*)$/.exec(line);
      if (!m) continue;
      hits.push({ path: m[1] ?? '', line: Number(m[2]), text: (m[3] ?? '').trim().slice(0, MAX_LINE), term });
      if (++n >= perTerm) break;
    }
  }
  return hits;
}
