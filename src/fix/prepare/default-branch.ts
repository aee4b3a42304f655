import { tmpdir } from 'node:os';
import { runGit } from '../../git/run.js';
import { resolveSource, type RepoSource } from './source.js';

/** The repository's default branch, asked of git itself (one cheap ls-remote); 'main' when the remote names none. */
export async function remoteDefaultBranch(source: RepoSource): Promise<string> {
  const resolved = await resolveSource(source);
  const out = await runGit(['ls-remote', '--symref', '--', resolved.location, 'HEAD'], { cwd: tmpdir(), allowProtocols: [...resolved.protocols, 'file'], timeoutMs: 60_000 });
  const m = /^ref: refs\/heads\/(\S+)\s+HEAD$/m.exec(out);
  return m?.[1] ?? 'main';
}
