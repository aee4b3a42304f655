import { existsSync } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { NotFound, UsageError } from '../../errors.js';
import type { ParsedManifest } from '../../ecosystem/schema.js';
import type { RepositorySignals } from '../../scoring/signals.js';
import { refKey, type BaseSearch, type ForgeIssue, type ForgeReader, type IssueRequest, type IssuesResult, type RepoRef, type SearchOptions, type SearchPage, type SearchResult, type SignalsResult } from '../types.js';
import { tryGit } from '../../git/run.js';
import { assertGitRepository, isGitRepository } from './git.js';
import { readLocalIssues, toForgeIssue } from './issues-file.js';
import { internalDependents, localSignals } from './signals.js';

/** Local repositories are reported under this owner. */
export const LOCAL_OWNER = 'local';
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * The organisation's repositories as git directories: every direct sub-directory of `root`
 * that is the top of a git working tree is a repository named after the directory, with owner
 * `local`. Impact comes from the organisation's own dependency graph: `dependents` counts the
 * sibling repositories whose manifests depend on what a repository publishes.
 */
export class LocalForgeReader implements ForgeReader {
  readonly kind = 'local' as const;
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The directory of `ref`, validated: a plain name directly under the root, and a git repository. */
  async directory(ref: RepoRef): Promise<string> {
    return assertGitRepository(this.named(ref));
  }

  /**
   * Like `directory`, with the branch and commit HEAD is on, from one git process. Null when git
   * does not say so plainly (no commit yet, a detached HEAD, not the top of a repository): the
   * caller then asks the careful way, `directory` and then the HEAD.
   */
  async directoryOnBranch(ref: RepoRef): Promise<{ dir: string; branch: string; oid: string } | null> {
    const real = await realpath(this.named(ref)).catch(() => null);
    if (real === null) return null;
    // `--symbolic-full-name` holds for every name after it (a commit has none), so it comes last.
    const out = await tryGit(['rev-parse', '--show-toplevel', 'HEAD^{commit}', '--symbolic-full-name', 'HEAD'], { cwd: real });
    const [top, oid, full] = out?.trim().split('\n') ?? [];
    if (top === undefined || path.resolve(top) !== real || !full?.startsWith('refs/heads/') || !oid || !/^[0-9a-f]{40,64}$/.test(oid)) return null;
    return { dir: real, branch: full.slice('refs/heads/'.length), oid };
  }

  /** The path `ref` names: a plain name directly under the root that exists (git not asked). */
  private named(ref: RepoRef): string {
    if (ref.owner !== LOCAL_OWNER) throw new NotFound(`${ref.owner}/${ref.name}: local repositories have owner "${LOCAL_OWNER}"`);
    if (!NAME.test(ref.name) || ref.name === '.' || ref.name === '..') throw new UsageError(`invalid local repository name "${ref.name}"`);
    const dir = path.join(this.root, ref.name);
    if (path.dirname(dir) !== this.root) throw new UsageError(`invalid local repository name "${ref.name}"`);
    if (!existsSync(dir)) throw new NotFound(`no repository ${ref.name} under ${this.root}`);
    return dir;
  }

  async listRepositories(): Promise<RepoRef[]> {
    await assertDirectory(this.root);
    const entries = await readdir(this.root, { withFileTypes: true });
    const names = entries.filter((e) => e.isDirectory() && NAME.test(e.name) && !e.name.startsWith('.')).map((e) => e.name).sort();
    const refs: RepoRef[] = [];
    for (const name of names) if (await isGitRepository(path.join(this.root, name))) refs.push({ owner: LOCAL_OWNER, name });
    return refs;
  }

  private async allSignals(now: Date): Promise<Map<string, RepositorySignals>> {
    const out = new Map<string, RepositorySignals>();
    for (const ref of await this.listRepositories()) {
      const dir = await this.directory(ref);
      out.set(refKey(ref), await localSignals(dir, ref.owner, ref.name, await readLocalIssues(dir), now));
    }
    const manifests = new Map<string, ParsedManifest[]>([...out].map(([k, s]) => [k, s.manifests]));
    for (const [k, s] of out) s.dependents = internalDependents(k, manifests);
    return out;
  }

  /** Every local repository; `text` (words in name or description) and `language` narrow it, stars do not exist here. */
  async searchRepositories(query: BaseSearch, options: SearchOptions): Promise<SearchResult> {
    const all = await this.allSignals(options.now);
    const words = query.text.toLowerCase().replace(/"/g, '').split(/\s+/).filter(Boolean);
    const matches = [...all.values()].filter((s) => {
      if (query.language !== undefined && (s.primaryLanguage ?? '').toLowerCase() !== query.language.toLowerCase()) return false;
      const hay = `${s.name} ${s.description ?? ''}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    });
    const chosen = matches.slice(0, Math.max(0, options.max));
    async function* pages(): AsyncGenerator<SearchPage> {
      if (chosen.length === 0) return;
      await Promise.resolve();
      const refs = chosen.map((s) => ({ owner: s.owner, name: s.name }));
      yield { refs, signals: new Map(chosen.map((s) => [refKey(s), { kind: 'ok', signals: s }])) };
    }
    return { totalCount: matches.length, pages: pages() };
  }

  async repositorySignals(refs: readonly RepoRef[], now: Date): Promise<Map<string, SignalsResult>> {
    for (const r of refs) {
      // A directory that exists but is not a git repository is a usage error; a missing one is gone.
      await this.directory(r).catch((err: unknown) => {
        if (!(err instanceof NotFound)) throw err;
      });
    }
    const all = await this.allSignals(now);
    const out = new Map<string, SignalsResult>();
    for (const r of refs) {
      const s = all.get(refKey(r));
      out.set(refKey(r), s ? { kind: 'ok', signals: s } : { kind: 'gone', reason: 'not_found', message: `no git repository ${r.name} under the local root` });
    }
    return out;
  }

  async openIssues(ref: RepoRef, since?: string): Promise<ForgeIssue[]> {
    const dir = await this.directory(ref);
    const issues = (await readLocalIssues(dir)).map(toForgeIssue);
    if (since === undefined) return issues.filter((i) => i.state === 'open');
    const t = Date.parse(since);
    return issues.filter((i) => Date.parse(i.updatedAt) >= t);
  }

  async openIssuesBatch(requests: readonly IssueRequest[]): Promise<Map<string, IssuesResult>> {
    const out = new Map<string, IssuesResult>();
    for (const r of requests) {
      try {
        out.set(refKey(r.ref), { kind: 'ok', issues: await this.openIssues(r.ref, r.since) });
      } catch (err) {
        if (!(err instanceof UsageError) && !(err instanceof NotFound)) throw err;
        out.set(refKey(r.ref), { kind: 'gone', reason: 'not_found', message: err.message });
      }
    }
    return out;
  }
}

async function assertDirectory(dir: string): Promise<void> {
  try {
    await readdir(dir);
  } catch {
    throw new UsageError(`local forge root ${dir} is not a readable directory`);
  }
}
