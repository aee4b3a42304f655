/**
 * Real git repositories behind the stand-in: a fixture builder (fast-import), a commit
 * writer built from plumbing (for createCommitOnBranch), and readers for refs, trees and history.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runGit, runGitBytes } from '../../git/run.js';

export interface GitAuthor {
  name: string;
  email: string;
}

export interface FixtureCommit {
  author: GitAuthor;
  /** ISO date used for both author and committer. */
  date: string;
  message: string;
  /** path → content; `null` deletes the file. */
  files: Record<string, string | null>;
}

function epoch(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`invalid date ${iso}`);
  return Math.floor(ms / 1000);
}

/** Creates a bare repository with the given history on `branch` in one fast-import run. */
export async function buildBareRepo(gitDir: string, branch: string, commits: FixtureCommit[]): Promise<void> {
  await runGit(['init', '--quiet', '--bare', `--initial-branch=${branch}`, gitDir]);
  const chunks: Buffer[] = [];
  const data = (s: string): void => {
    const b = Buffer.from(s, 'utf8');
    chunks.push(Buffer.from(`data ${b.length}\n`), b, Buffer.from('\n'));
  };
  commits.forEach((c, i) => {
    const who = `${c.author.name} <${c.author.email}> ${epoch(c.date)} +0000`;
    chunks.push(Buffer.from(`commit refs/heads/${branch}\nmark :${i + 1}\nauthor ${who}\ncommitter ${who}\n`));
    data(c.message);
    if (i > 0) chunks.push(Buffer.from(`from :${i}\n`));
    for (const [file, content] of Object.entries(c.files)) {
      if (content === null) chunks.push(Buffer.from(`D ${file}\n`));
      else {
        chunks.push(Buffer.from(`M 100644 inline ${file}\n`));
        data(content);
      }
    }
    chunks.push(Buffer.from('\n'));
  });
  await runGit(['fast-import', '--quiet'], { cwd: gitDir, input: Buffer.concat(chunks) });
}

export async function cloneBare(from: string, to: string): Promise<void> {
  await runGit(['clone', '--quiet', '--bare', '--no-hardlinks', from, to], { allowProtocols: ['file'] });
}

/** The commit a ref points to, or null if it does not exist. */
export async function resolveRef(gitDir: string, ref: string): Promise<string | null> {
  const out = await runGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: gitDir, allowExit: [1, 128] });
  const sha = out.trim();
  return /^[0-9a-f]{40}$/.test(sha) ? sha : null;
}

export async function listRefs(gitDir: string, prefix = 'refs/'): Promise<{ ref: string; sha: string }[]> {
  const out = await runGit(['for-each-ref', '--format=%(refname) %(objectname)', prefix], { cwd: gitDir });
  return out.split('\n').filter(Boolean).map((l) => {
    const [ref = '', sha = ''] = l.split(' ');
    return { ref, sha };
  });
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  authorDate: string;
  committerName: string;
  committerEmail: string;
  committerDate: string;
  message: string;
}

const LOG_FORMAT = '%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B%x1e';

function parseLog(out: string): CommitInfo[] {
  return out.split('\x1e').map((r) => r.replace(/^\n/, '')).filter(Boolean).map((r) => {
    const [sha = '', tree = '', parents = '', an = '', ae = '', ad = '', cn = '', ce = '', cd = '', msg = ''] = r.split('\x00');
    return { sha, tree, parents: parents.split(' ').filter(Boolean), authorName: an, authorEmail: ae, authorDate: toUtc(ad), committerName: cn, committerEmail: ce, committerDate: toUtc(cd), message: msg.replace(/\n+$/, '') };
  });
}

function toUtc(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function readCommit(gitDir: string, sha: string): Promise<CommitInfo | null> {
  const out = await runGit(['log', '-1', `--format=${LOG_FORMAT}`, sha, '--'], { cwd: gitDir, allowExit: [128] });
  return parseLog(out)[0] ?? null;
}

export async function history(gitDir: string, sha: string, opts: { since?: string; limit?: number } = {}): Promise<CommitInfo[]> {
  const args = ['log', `--format=${LOG_FORMAT}`];
  if (opts.since) args.push(`--since=${opts.since}`);
  if (opts.limit !== undefined) args.push(`--max-count=${opts.limit}`);
  args.push(sha, '--');
  return parseLog(await runGit(args, { cwd: gitDir }));
}

export async function countCommits(gitDir: string, sha: string, since?: string): Promise<number> {
  const args = ['rev-list', '--count'];
  if (since) args.push(`--since=${since}`);
  args.push(sha);
  return Number((await runGit(args, { cwd: gitDir })).trim());
}

export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size: number;
  name: string;
}

/** Entries of the tree at `treeish` (e.g. `main:` or `sha:src`), or null if it is not a tree. */
export async function lsTree(gitDir: string, treeish: string): Promise<TreeEntry[] | null> {
  const type = (await runGit(['cat-file', '-t', treeish], { cwd: gitDir, allowExit: [128] })).trim();
  if (type !== 'tree') return null;
  const out = await runGit(['ls-tree', '-l', '-z', treeish], { cwd: gitDir });
  return out.split('\0').filter(Boolean).map((l) => {
    const [meta = '', name = ''] = l.split('\t');
    const [mode = '', t = 'blob', sha = '', size = '0'] = meta.split(/\s+/);
    return { mode, type: t as TreeEntry['type'], sha, size: Number(size) || 0, name };
  });
}

export async function objectType(gitDir: string, spec: string): Promise<string | null> {
  const t = (await runGit(['cat-file', '-t', spec], { cwd: gitDir, allowExit: [128] })).trim();
  return t === '' ? null : t;
}

export async function readBlob(gitDir: string, spec: string): Promise<{ sha: string; content: Buffer } | null> {
  if ((await objectType(gitDir, spec)) !== 'blob') return null;
  const sha = (await runGit(['rev-parse', spec], { cwd: gitDir })).trim();
  return { sha, content: await runGitBytes(['cat-file', 'blob', sha], { cwd: gitDir }) };
}

export async function isAncestor(gitDir: string, ancestor: string, descendant: string): Promise<boolean> {
  return runGit(['merge-base', '--is-ancestor', ancestor, descendant], { cwd: gitDir }).then(() => true, () => false);
}

export async function updateRef(gitDir: string, ref: string, sha: string, expectedOld?: string): Promise<void> {
  const args = ['update-ref', ref, sha];
  if (expectedOld !== undefined) args.push(expectedOld);
  await runGit(args, { cwd: gitDir });
}

export interface FileChanges {
  additions: { path: string; contents: Buffer }[];
  deletions: { path: string }[];
}

/**
 * Writes a commit on top of `parent` with plumbing only (hash-object, a throwaway index,
 * update-index, write-tree, commit-tree). Does not move any ref.
 */
export async function writeCommit(gitDir: string, parent: string | null, changes: FileChanges, author: GitAuthor, message: string, dateIso: string): Promise<string> {
  const tmp = await mkdtemp(path.join(tmpdir(), 'sim-index-'));
  const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
  try {
    if (parent) await runGit(['read-tree', parent], { cwd: gitDir, env });
    else await runGit(['read-tree', '--empty'], { cwd: gitDir, env });
    const lines: string[] = changes.deletions.map((d) => `0 ${'0'.repeat(40)}\t${d.path}`);
    for (const a of changes.additions) {
      const blob = (await runGit(['hash-object', '-w', '--stdin'], { cwd: gitDir, input: a.contents })).trim();
      lines.push(`100644 ${blob}\t${a.path}`);
    }
    if (lines.length > 0) await runGit(['update-index', '--index-info'], { cwd: gitDir, env, input: `${lines.join('\n')}\n` });
    const tree = (await runGit(['write-tree'], { cwd: gitDir, env })).trim();
    const stamp = `${epoch(dateIso)} +0000`;
    const commitEnv = {
      GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_AUTHOR_DATE: stamp,
      GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email, GIT_COMMITTER_DATE: stamp,
    };
    const args = ['commit-tree', tree];
    if (parent) args.push('-p', parent);
    return (await runGit(args, { cwd: gitDir, env: commitEnv, input: message })).trim();
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Merges `head` into `base` (both in gitDir); null when they conflict. */
export async function mergeCommits(gitDir: string, base: string, head: string, method: 'merge' | 'squash' | 'rebase', author: GitAuthor, message: string, dateIso: string): Promise<string | null> {
  const out = await runGit(['merge-tree', '--write-tree', base, head], { cwd: gitDir, allowExit: [1] }).catch(() => null);
  if (out === null) return null;
  const tree = out.split('\n')[0]?.trim() ?? '';
  if (!/^[0-9a-f]{40}$/.test(tree) || out.includes('CONFLICT')) return null;
  const stamp = `${epoch(dateIso)} +0000`;
  const env = {
    GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_AUTHOR_DATE: stamp,
    GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email, GIT_COMMITTER_DATE: stamp,
  };
  const parents = method === 'merge' ? ['-p', base, '-p', head] : ['-p', base];
  return (await runGit(['commit-tree', tree, ...parents], { cwd: gitDir, env, input: message })).trim();
}

/** Copies the objects of `sha` from another repository into gitDir under `ref`. */
export async function fetchInto(gitDir: string, fromDir: string, sha: string, ref: string): Promise<void> {
  await runGit(['fetch', '--quiet', '--no-tags', fromDir, `+${sha}:${ref}`], { cwd: gitDir, config: ['uploadpack.allowAnySHA1InWant=true'], allowProtocols: ['file'] });
}
