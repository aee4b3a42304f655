import type { ParsedManifest } from '../schema.js';
import { DependencyCollector, done } from './result.js';
import { requirementName } from './pep508.js';

/**
 * requirements.txt: one PEP 508 requirement a line. Options (`-r`, `-e`, `--index-url`), bare
 * URLs and paths are skipped; comments and line continuations are handled. `kind` lets callers
 * mark requirements-dev.txt and friends as dev dependencies.
 */
export function parseRequirementsTxt(path: string, text: string, kind: 'runtime' | 'dev' = 'runtime'): ParsedManifest {
  const deps = new DependencyCollector('pypi');
  const joined = text.replace(/\\\r?\n/g, ' ');
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '' || line.startsWith('-') || /^[a-z+]+:\/\//i.test(line) || line.startsWith('.') || line.startsWith('/')) continue;
    const name = requirementName(line);
    if (name !== null) deps.add(name, kind);
  }
  return done(path, 'pypi', deps, null);
}
