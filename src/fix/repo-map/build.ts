import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { runGit } from '../../git/run.js';
import { languageOf, SKIP_DIRS } from './languages.js';
import { regexOutline } from './regex-outline.js';
import { RepoIndex, type FileOutline } from './schema.js';
import { treeSitterOutline } from './tree-sitter.js';

/** Files larger than this are listed but not outlined. */
const MAX_OUTLINE_BYTES = 256 * 1024;
const MAX_FILES = 20_000;

/** Tracked files of a worktree, repository-relative (from git, so ignored files never appear). */
export async function trackedFiles(worktree: string, signal?: AbortSignal): Promise<string[]> {
  const out = await runGit(['ls-files', '-z', '--cached'], { cwd: worktree, signal });
  return out.split('\0').filter((p) => p.length > 0).slice(0, MAX_FILES);
}

async function outlineFile(worktree: string, rel: string): Promise<FileOutline> {
  const info = languageOf(rel);
  const base: FileOutline = { path: rel, language: info?.name ?? null, bytes: 0, parser: 'none', symbols: [], refs: [] };
  let st;
  try {
    st = await lstat(path.join(worktree, rel));
  } catch {
    return base;
  }
  if (!st.isFile()) return base;
  base.bytes = st.size;
  if (!info || SKIP_DIRS.test(rel) || st.size > MAX_OUTLINE_BYTES) return base;
  const text = await readFile(path.join(worktree, rel), 'utf8');
  if (text.includes('\u0000')) return base;
  const ts = info.grammar ? await treeSitterOutline(info.grammar, text) : null;
  if (ts) return { ...base, parser: 'tree-sitter', ...ts };
  return { ...base, parser: 'regex', ...regexOutline(text) };
}

/** Outlines every tracked source file of the worktree: definitions and references per file. */
export async function buildRepoIndex(worktree: string, signal?: AbortSignal): Promise<RepoIndex> {
  const files: FileOutline[] = [];
  for (const rel of await trackedFiles(worktree, signal)) {
    signal?.throwIfAborted();
    files.push(await outlineFile(worktree, rel));
  }
  return RepoIndex.parse({ files });
}
