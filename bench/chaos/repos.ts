import { join } from 'node:path';
import { makeRepo } from '../../src/examples/create.js';
import { BYTEFMT, SLUGKIT, bytefmtIssues, slugkitIssues } from '../../src/examples/files.js';

/** The package.json of an example library, renamed (and without the optional peer, so it installs offline). */
export function renamed(files: Record<string, string>, name: string): Record<string, string> {
  const pkg = JSON.parse(files['package.json'] ?? '{}') as Record<string, unknown>;
  delete pkg['peerDependencies'];
  delete pkg['peerDependenciesMeta'];
  return { ...files, 'package.json': `${JSON.stringify({ ...pkg, name }, null, 2)}\n` };
}

/**
 * `count` local-forge repositories, each a copy of one of the two example libraries holding only
 * its one fixable bug (so the scripted model's fix applies to every copy). Returns their names.
 */
export async function createChaosRepos(root: string, count: number, now = new Date()): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const slug = i % 2 === 0;
    const name = `${slug ? 'slugkit' : 'bytefmt'}-${String(i).padStart(3, '0')}`;
    const issues = (slug ? slugkitIssues(now) : bytefmtIssues(now)).slice(0, 1);
    await makeRepo(join(root, name), renamed(slug ? SLUGKIT : BYTEFMT, name), issues, now);
    names.push(name);
  }
  return names;
}
