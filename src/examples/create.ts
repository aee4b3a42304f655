import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runGit } from '../git/run.js';
import { BYTEFMT, SLUGKIT, bytefmtIssues, slugkitIssues } from './files.js';

const AUTHORS = [['Dana Ruiz', 'dana@example.org'], ['Eli Park', 'eli@example.org'], ['Finn Shaw', 'finn@example.org']] as const;

/** A git repository at `dir` holding `files` (one commit each, several authors) and its local-forge issues. */
export async function makeRepo(dir: string, files: Record<string, string>, issues: object[], now: Date): Promise<void> {
  await mkdir(dir, { recursive: true });
  await runGit(['init', '--quiet', '--initial-branch=main'], { cwd: dir });
  const paths = Object.keys(files);
  // A real history: several authors over the last months, one file (or change) per commit.
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i] as string;
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), files[path] as string);
    const [name, email] = AUTHORS[i % AUTHORS.length] as readonly [string, string];
    const date = new Date(now.getTime() - (paths.length - i) * 9 * 86_400_000).toISOString();
    await runGit(['add', '--', path], { cwd: dir });
    await runGit(['commit', '--quiet', '-m', `Add ${path}`], { cwd: dir, env: { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_AUTHOR_DATE: date, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email, GIT_COMMITTER_DATE: date } });
  }
  await mkdir(join(dir, '.globallm'), { recursive: true });
  await writeFile(join(dir, '.globallm', 'issues.jsonl'), `${issues.map((i) => JSON.stringify(i)).join('\n')}\n`);
}

/**
 * Creates the example repositories for the local forge under `root` (once): `slugkit` and
 * `bytefmt`, which depends on it, each with a history, tests and open issues.
 * Returns the repository names created now (empty when they already exist).
 */
export async function createExampleRepos(root: string, now: Date = new Date()): Promise<string[]> {
  const created: string[] = [];
  for (const [name, files, issues] of [['slugkit', SLUGKIT, slugkitIssues(now)], ['bytefmt', BYTEFMT, bytefmtIssues(now)]] as const) {
    const dir = join(root, name);
    if (existsSync(join(dir, '.git'))) continue;
    await makeRepo(dir, files, issues, now);
    created.push(name);
  }
  return created;
}
