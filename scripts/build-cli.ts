// Builds dist/ (what bin/globallm.js runs) from src/ when it is out of date; a no-op otherwise.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../src/util/project-root.js';

export function buildCli(): void {
  const tsc = join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-b', join(projectRoot, 'tsconfig.build.json')], { cwd: projectRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`building the CLI failed (tsc exit ${String(r.status ?? r.signal)})`);
}
