import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { projectRoot } from '../util/project-root.js';

const srcDir = join(projectRoot, 'src');
const cacheDir = join(projectRoot, 'node_modules', '.cache', 'globallm');
export const WORKFLOWS_PATH = join(srcDir, 'workflows', 'index.ts');

/**
 * Hashes the workflow entry and every local module it reaches through relative imports, so
 * edits elsewhere in the tree do not force a rebuild.
 */
function hashWorkflowSources(entry: string): string {
  const hash = createHash('sha256');
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    hash.update(file.slice(srcDir.length)).update(text);
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const spec = m[1] as string;
      queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
    }
  }
  return hash.digest('hex');
}

/**
 * The workflow bundle, built once and cached by the hash of the source tree and SDK version,
 * so a warm `globallm up` and every test worker skip webpack. A bundle that fails says why: the
 * thrown message carries webpack's errors (a module not found, a syntax error).
 */
export async function workflowBundle(workflowsPath = WORKFLOWS_PATH): Promise<{ code: string }> {
  const sdk = (JSON.parse(readFileSync(join(projectRoot, 'node_modules', '@temporalio', 'workflow', 'package.json'), 'utf8')) as { version: string }).version;
  const key = createHash('sha256').update(hashWorkflowSources(workflowsPath)).update(sdk).digest('hex').slice(0, 16);
  const file = join(cacheDir, `workflow-bundle-${key}.js`);
  if (existsSync(file)) return { code: readFileSync(file, 'utf8') };
  const errors: string[] = [];
  const logger = { ...quietLogger, error: (message: string, meta?: unknown): void => { errors.push(meta === undefined ? message : `${message} ${JSON.stringify(meta)}`); } };
  try {
    const { code } = await bundleWorkflowCode({ workflowsPath, logger });
    keep(file, code);
    return { code };
  } catch (err) {
    // webpack's own errors (a module not found, a syntax error) go to the logger, not into the thrown message.
    const text = errors.join('\n');
    const from = text.indexOf('ERROR in');
    if (from < 0) throw err;
    throw new Error(`${(err as Error).message}\n${text.slice(from, from + 4000)}`, { cause: err });
  }
}

/** Caches the bundle where the process may write; where it may not (an image's read-only install), the next start builds it again. */
function keep(file: string, code: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  } catch (err) {
    if (!['EACCES', 'EPERM', 'EROFS'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  }
}

const noop = (): void => {};
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };
