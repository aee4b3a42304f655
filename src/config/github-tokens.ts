/**
 * The GitHub tokens of a deployment: `GITHUB_TOKEN` and `GITHUB_TOKENS` (more tokens, separated by
 * commas). The identity token makes every write and every read that asks who the token is;
 * the others only share the reads any token may make (see mayUseAnyToken). No message here ever
 * holds a token: entries are named by their place in the list.
 */
import { z } from 'zod';
import { UsageError } from '../errors.js';

/** A token as GitHub issues them (`ghp_…`, `github_pat_…`, `ghs_…`), with `-` and `.` allowed too. */
const TOKEN = /^[A-Za-z0-9_.-]+$/;

/** `GITHUB_TOKENS`: the list, each entry trimmed; an empty, malformed or repeated entry is refused. */
export const GitHubTokenList = z.string().transform((text, ctx) => {
  const entries = text.split(',').map((t) => t.trim());
  entries.forEach((t, i) => {
    if (t === '') ctx.addIssue({ code: 'custom', message: `entry ${i + 1} is empty (tokens are separated by single commas)` });
    else if (!TOKEN.test(t)) ctx.addIssue({ code: 'custom', message: `entry ${i + 1} is not a token (a token holds only letters, digits, _, - and .; entries are separated by commas)` });
    const first = entries.indexOf(t);
    if (t !== '' && first < i) ctx.addIssue({ code: 'custom', message: `entries ${first + 1} and ${i + 1} are the same token` });
  });
  return entries;
});

export interface GitHubTokens {
  /** The token every write is made with: `GITHUB_TOKEN`, else the first of `GITHUB_TOKENS`. */
  identity: string | undefined;
  /** The other tokens, distinct from the identity and each other: they only share reads. */
  extra: readonly string[];
}

/** Combines the two settings; a `GITHUB_TOKENS` entry that repeats `GITHUB_TOKEN` is refused. */
export function githubTokensOf(env: { GITHUB_TOKEN?: string | undefined; GITHUB_TOKENS?: readonly string[] | undefined }): GitHubTokens {
  const list = env.GITHUB_TOKENS ?? [];
  if (env.GITHUB_TOKEN === undefined) return { identity: list[0], extra: list.slice(1) };
  const repeated = list.indexOf(env.GITHUB_TOKEN);
  if (repeated >= 0) throw new UsageError(`invalid configuration: GITHUB_TOKENS: entry ${repeated + 1} is the same token as GITHUB_TOKEN (list only the further tokens)`);
  return { identity: env.GITHUB_TOKEN, extra: list };
}

/** Every token, the identity first. */
export function allGitHubTokens(t: GitHubTokens): string[] {
  return t.identity === undefined ? [] : [t.identity, ...t.extra];
}
