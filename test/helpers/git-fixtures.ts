import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface FixtureCommit {
  author: string;
  date: string;
  files: Record<string, string>;
}

/** A real git repository with commits at controlled dates and authors. */
export function makeRepo(dir: string, commits: readonly FixtureCommit[]): void {
  mkdirSync(dir, { recursive: true });
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir, GIT_TERMINAL_PROMPT: '0' };
  const git = (args: string[], extra: Record<string, string> = {}): void => {
    execFileSync('git', args, { cwd: dir, env: { ...env, ...extra }, stdio: 'ignore' });
  };
  git(['init', '--quiet', '--initial-branch=main']);
  for (const [i, c] of commits.entries()) {
    for (const [file, text] of Object.entries(c.files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    git(['add', '-A']);
    const who = { GIT_AUTHOR_NAME: c.author, GIT_AUTHOR_EMAIL: `${c.author}@example.org`, GIT_COMMITTER_NAME: c.author, GIT_COMMITTER_EMAIL: `${c.author}@example.org`, GIT_AUTHOR_DATE: c.date, GIT_COMMITTER_DATE: c.date };
    git(['commit', '--quiet', '--allow-empty', '-m', `commit ${i}`], who);
  }
}

const DAY = 86_400_000;
export function daysBefore(now: Date, days: number): string {
  return new Date(now.getTime() - days * DAY).toISOString();
}
