import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { deleteExpiredCacheEntries, freshCacheEntries, storeCacheEntries } from '../db/forge-cache.js';
import { refKey, type BaseSearch, type ForgeIssue, type ForgeReader, type IssueRequest, type IssuesResult, type RepoRef, type SearchOptions, type SearchPage, type SearchResult, type SignalsResult } from './types.js';

export const DEFAULT_CACHE_TTL_MS = 24 * 3_600_000;

/**
 * Forge reads cached in PostgreSQL (`forge_cache`, src/db/forge-cache.ts). An entry is served only while
 * `expires_at > now`, with `now` passed in, so expiry is real and testable.
 */
export class ForgeCache {
  constructor(private readonly pool: Pool, readonly ttlMs: number = DEFAULT_CACHE_TTL_MS) {
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError('cache TTL must be a positive number of milliseconds');
  }

  async get<T>(key: string, now: Date): Promise<T | undefined> {
    return (await this.getMany<T>([key], now)).get(key);
  }

  async getMany<T>(keys: readonly string[], now: Date): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    if (keys.length === 0) return out;
    for (const row of await freshCacheEntries<T>(this.pool, keys, now)) out.set(row.key, row.body);
    return out;
  }

  async set(key: string, body: unknown, now: Date, etag: string | null = null): Promise<void> {
    await this.setMany([{ key, body, etag }], now);
  }

  async setMany(entries: ReadonlyArray<{ key: string; body: unknown; etag?: string | null }>, now: Date): Promise<void> {
    if (entries.length === 0) return;
    const expires = new Date(now.getTime() + this.ttlMs);
    await storeCacheEntries(this.pool, entries, now, expires);
  }

  /** Deletes expired entries; returns how many. */
  async purgeExpired(now: Date): Promise<number> {
    return deleteExpiredCacheEntries(this.pool, now);
  }
}

const PAGE = 100;

function searchKey(kind: string, base: BaseSearch, max: number): string {
  const digest = createHash('sha256').update(JSON.stringify({ base, max })).digest('hex').slice(0, 32);
  return `${kind}:search:${digest}`;
}

function signalsKey(kind: string, ref: RepoRef): string {
  return `${kind}:signals:${refKey(ref)}`;
}

interface CachedSearch {
  totalCount: number;
  refs: RepoRef[];
}

/**
 * A ForgeReader that asks the inner forge only for what the cache does not hold: nothing is
 * fetched twice within the TTL. Issues are not cached (intake refreshes incrementally).
 */
export class CachedForgeReader implements ForgeReader {
  readonly kind;
  constructor(private readonly inner: ForgeReader, private readonly cache: ForgeCache) {
    this.kind = inner.kind;
  }

  async searchRepositories(query: BaseSearch, options: SearchOptions): Promise<SearchResult> {
    const key = searchKey(this.kind, query, options.max);
    const hit = await this.cache.get<CachedSearch>(key, options.now);
    if (hit) return { totalCount: hit.totalCount, pages: this.replay(hit.refs, options.now) };
    const live = await this.inner.searchRepositories(query, options);
    return { totalCount: live.totalCount, pages: this.record(key, live, options.now) };
  }

  private async *replay(refs: RepoRef[], now: Date): AsyncGenerator<SearchPage> {
    for (let i = 0; i < refs.length; i += PAGE) {
      const slice = refs.slice(i, i + PAGE);
      yield { refs: slice, signals: await this.repositorySignals(slice, now) };
    }
  }

  private async *record(key: string, live: SearchResult, now: Date): AsyncGenerator<SearchPage> {
    const all: RepoRef[] = [];
    let failed = false;
    try {
      for await (const page of live.pages) {
        await this.cache.setMany(page.refs.flatMap((r) => {
          const s = page.signals.get(refKey(r));
          return s ? [{ key: signalsKey(this.kind, r), body: s }] : [];
        }), now);
        all.push(...page.refs);
        yield page;
      }
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      // Also when the consumer stopped early (it had its `max`): what it saw is the answer for that max.
      if (!failed) await this.cache.set(key, { totalCount: live.totalCount, refs: all } satisfies CachedSearch, now);
    }
  }

  async repositorySignals(refs: readonly RepoRef[], now: Date): Promise<Map<string, SignalsResult>> {
    const keys = refs.map((r) => signalsKey(this.kind, r));
    const cached = await this.cache.getMany<SignalsResult>(keys, now);
    const out = new Map<string, SignalsResult>();
    const missing: RepoRef[] = [];
    refs.forEach((r, i) => {
      const hit = cached.get(keys[i] ?? '');
      if (hit) out.set(refKey(r), hit);
      else missing.push(r);
    });
    if (missing.length > 0) {
      const fresh = await this.inner.repositorySignals(missing, now);
      await this.cache.setMany(missing.flatMap((r) => {
        const s = fresh.get(refKey(r));
        return s ? [{ key: signalsKey(this.kind, r), body: s }] : [];
      }), now);
      for (const [k, v] of fresh) out.set(k, v);
    }
    return out;
  }

  openIssues(ref: RepoRef, since?: string): Promise<ForgeIssue[]> {
    return this.inner.openIssues(ref, since);
  }

  openIssuesBatch(requests: readonly IssueRequest[]): Promise<Map<string, IssuesResult>> {
    return this.inner.openIssuesBatch(requests);
  }
}
