// A generated local-forge world: `repos` git repositories under one root, each with a short
// history and its share of `issues` open issues in `.globallm/issues.jsonl`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit } from '../../src/git/run.js';

const KINDS = [
  { labels: ['bug'], title: (n: number) => `crash when input ${n} is empty`, body: (n: number) => `Calling \`parse('')\` in src/index.js throws TypeError at line ${n % 40}. Expected an empty result.` },
  { labels: ['enhancement'], title: (n: number) => `support option number ${n}`, body: () => 'Feature request: a way to pass options to `parse`.' },
  { labels: ['documentation'], title: (n: number) => `README example ${n} is out of date`, body: () => 'The README shows an argument that no longer exists.' },
  { labels: ['bug'], title: (n: number) => `wrong result for value ${n}`, body: (n: number) => `\`parse('${n}')\` returns ${n + 1}; it should return ${n}. See src/index.js.` },
  { labels: [], title: (n: number) => `question about release ${n}`, body: () => 'Is there a release planned? How do I upgrade?' },
] as const;

async function git(dir: string, args: string[], date: string): Promise<void> {
  await runGit(args, {
    cwd: dir,
    env: {
      GIT_AUTHOR_NAME: 'Bench Author', GIT_AUTHOR_EMAIL: 'bench@example.org', GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: 'Bench Author', GIT_COMMITTER_EMAIL: 'bench@example.org', GIT_COMMITTER_DATE: date,
    },
  });
}

function files(name: string): Record<string, string> {
  return {
    'package.json': `${JSON.stringify({ name, version: '1.0.0', description: `bench library ${name}`, main: 'src/index.js', scripts: { test: 'node --test test/' }, license: 'MIT' }, null, 2)}\n`,
    'README.md': `# ${name}\n\nParses numbers.\n`,
    'src/index.js': "'use strict';\nfunction parse(s) { return Number(s); }\nmodule.exports = { parse };\n",
    'test/index.test.js': "'use strict';\nconst { test } = require('node:test');\nconst assert = require('node:assert/strict');\nconst { parse } = require('../src/index.js');\ntest('parses', () => { assert.equal(parse('2'), 2); });\n",
  };
}

function issueLines(count: number, now: Date): string {
  const lines: string[] = [];
  for (let n = 1; n <= count; n++) {
    const kind = KINDS[n % KINDS.length] ?? KINDS[0];
    const createdAt = new Date(now.getTime() - ((n % 90) + 1) * 86_400_000).toISOString();
    lines.push(JSON.stringify({ number: n, title: kind.title(n), body: kind.body(n), labels: kind.labels, createdAt, author: `user${n % 17}`, reactions: n % 5 }));
  }
  return `${lines.join('\n')}\n`;
}

async function makeRepo(dir: string, name: string, issues: number, now: Date): Promise<void> {
  await mkdir(join(dir, 'src'), { recursive: true });
  await mkdir(join(dir, 'test'), { recursive: true });
  await git(dir, ['init', '--quiet', '--initial-branch=main'], now.toISOString());
  const entries = Object.entries(files(name));
  for (let i = 0; i < entries.length; i++) {
    const [path, text] = entries[i] as [string, string];
    await writeFile(join(dir, path), text);
    await git(dir, ['add', '--', path], now.toISOString());
    await git(dir, ['commit', '--quiet', '-m', `Add ${path}`], new Date(now.getTime() - (entries.length - i) * 7 * 86_400_000).toISOString());
  }
  await mkdir(join(dir, '.globallm'), { recursive: true });
  await writeFile(join(dir, '.globallm', 'issues.jsonl'), issueLines(issues, now));
}

/** Creates the world under `root`; issues are spread evenly (the first repositories take the remainder). */
export async function createScaleWorld(root: string, repos: number, issues: number, now = new Date()): Promise<void> {
  const names = Array.from({ length: repos }, (_, i) => `lib${String(i).padStart(4, '0')}`);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < repos; i = next++) {
      const share = Math.floor(issues / repos) + (i < issues % repos ? 1 : 0);
      await makeRepo(join(root, names[i] as string), names[i] as string, share, now);
    }
  };
  await Promise.all([worker(), worker()]);
}
