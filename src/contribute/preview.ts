/** Dry-run output: the PR body and patch saved for review under the state directory. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RepoRef } from '../forge/types.js';

const SAFE = /^[A-Za-z0-9_.-]+$/;

export function previewPaths(stateDir: string, forge: string, repo: RepoRef, issueNumber: number): { body: string; patch: string } {
  for (const part of [forge, repo.owner, repo.name]) {
    if (!SAFE.test(part) || part === '.' || part === '..') throw new Error(`unsafe name for a preview path: ${part}`);
  }
  const dir = path.join(stateDir, 'previews', forge, repo.owner, repo.name);
  return { body: path.join(dir, `issue-${issueNumber}.md`), patch: path.join(dir, `issue-${issueNumber}.patch`) };
}

export async function savePreview(stateDir: string, forge: string, repo: RepoRef, issueNumber: number, body: string, patch: string): Promise<{ body: string; patch: string }> {
  const p = previewPaths(stateDir, forge, repo, issueNumber);
  await mkdir(path.dirname(p.body), { recursive: true });
  await writeFile(p.body, body);
  await writeFile(p.patch, patch);
  return p;
}
