import type { Pool } from 'pg';
import { UsageError } from '../errors.js';
import { CachedForgeReader, DEFAULT_CACHE_TTL_MS, ForgeCache } from './cache.js';
import { createGitHubClient, pacedGitHubClient, type GitHubOctokit } from './github/client.js';
import { GitHubForgeReader } from './github/reader.js';
import { LocalForgeReader } from './local/reader.js';
import { ForgeKind, type ForgeReader } from './types.js';

export function parseForgeKind(text: string): ForgeKind {
  const k = ForgeKind.safeParse(text);
  if (!k.success) throw new UsageError(`unknown forge "${text}"; valid forges: ${ForgeKind.options.join(', ')}`);
  return k.data;
}

export interface ForgeSettings {
  kind: ForgeKind;
  /** github: API base URL and token (missing token → unauthenticated, with a warning). */
  githubApiUrl?: string;
  githubToken?: string | undefined;
  /** github: further tokens the shared reads are spread over (used only with `pool`). */
  githubExtraTokens?: readonly string[];
  /** Reuse an already built client (one per process). */
  octokit?: GitHubOctokit;
  /** local: the directory holding the organisation's git repositories. */
  localRoot?: string;
  /** When given, reads go through the PostgreSQL cache, and GitHub requests through the shared quota pacer. */
  pool?: Pool;
  cacheTtlMs?: number;
}

/** Picks and builds the forge reader named in the settings. */
export function createForgeReader(s: ForgeSettings): ForgeReader {
  let reader: ForgeReader;
  if (s.kind === 'github') {
    const client = { baseUrl: s.githubApiUrl ?? 'https://api.github.com', token: s.githubToken, ...(s.githubExtraTokens ? { extraTokens: s.githubExtraTokens } : {}) };
    const octokit = s.octokit ?? (s.pool ? pacedGitHubClient(s.pool, client) : createGitHubClient(client));
    reader = new GitHubForgeReader(octokit);
  } else {
    if (s.localRoot === undefined) throw new UsageError('the local forge needs a directory of git repositories (--root DIR or --repo PATH)');
    reader = new LocalForgeReader(s.localRoot);
  }
  // Local repositories change with every commit and cost no requests: only GitHub reads are cached.
  return s.pool && s.kind === 'github' ? new CachedForgeReader(reader, new ForgeCache(s.pool, s.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS)) : reader;
}
