import { UsageError } from '../errors.js';

const OWNER_REPO = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;

/** `owner/repo` as GitHub allows it; anything else is a usage error. */
export function parseRepoRef(text: string): { owner: string; repo: string } {
  const m = OWNER_REPO.exec(text.trim());
  if (!m || m[2] === '.' || m[2] === '..') throw new UsageError(`"${text}" is not a repository reference: expected owner/repo`);
  return { owner: m[1] as string, repo: m[2] as string };
}
