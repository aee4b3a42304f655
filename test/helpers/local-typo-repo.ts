// A local-forge repository under `root` with one open issue (#1, a README typo), and the fixes of
// it that tests open as pull requests through the real contribute step.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ContributionRequest } from '../../src/contribute/schema.js';
import { git } from './forge-write.js';

/** The README the repository `name` starts with. */
export const typoReadme = (name: string): string => `# ${name}\n`;

/** Makes `<root>/<name>`: a README and `.globallm/issues.jsonl` with issue #1, committed on main. */
export async function createTypoRepo(root: string, name: string): Promise<void> {
  const dir = path.join(root, name);
  await mkdir(path.join(dir, '.globallm'), { recursive: true });
  await git(root, 'init', '--quiet', '-b', 'main', dir);
  await writeFile(path.join(dir, 'README.md'), typoReadme(name));
  await writeFile(path.join(dir, '.globallm', 'issues.jsonl'), `${JSON.stringify({ number: 1, title: 'Typo in README', createdAt: '2025-01-01T00:00:00Z' })}\n`);
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '--quiet', '-m', 'init');
}

/** A fix of issue #1 that makes the README `after`. */
export function typoFix(name: string, after: string): ContributionRequest {
  return {
    forge: 'local', repo: { owner: 'local', name }, issue: { number: 1, title: 'Typo in README' },
    files: [{ path: 'README.md', before: typoReadme(name), after }],
    summary: 'Fix the typo.', evidence: { failedBefore: [], passedAfter: [], newTests: [] },
    disclosure: { model: 'm', inputTokens: 1, outputTokens: 1, costUsd: 0 },
  };
}
