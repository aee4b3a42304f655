import type { ParsedManifest } from '../schema.js';
import { DependencyCollector, done } from './result.js';

/**
 * Gemfile: `gem "name"` lines; gems inside `group :development`/`:test` blocks (or with a
 * `group:` option naming them) are dev dependencies. A `gemspec` line means the repository
 * publishes a gem, whose name lives in the .gemspec (see parseGemspec).
 */
export function parseGemfile(path: string, text: string): ParsedManifest {
  const deps = new DependencyCollector('rubygems');
  const stack: boolean[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    const group = /^group\s+(.+?)\s+do\b/.exec(line);
    if (group?.[1] !== undefined) {
      stack.push(/:(development|test)\b/.test(group[1]));
      continue;
    }
    if (/^(\w+\s.*\sdo\b|\w+\s+do\b)/.test(line) || /\bdo\s*(\|[^|]*\|)?$/.test(line)) {
      stack.push(stack.at(-1) ?? false);
      continue;
    }
    if (line === 'end') {
      stack.pop();
      continue;
    }
    const gem = /^gem\s*\(?\s*["']([^"']+)["'](.*)$/.exec(line);
    if (gem?.[1] === undefined) continue;
    const dev = stack.some(Boolean) || /group[s]?:\s*\[?\s*:(development|test)\b/.test(gem[2] ?? '');
    deps.add(gem[1], dev ? 'dev' : 'runtime');
  }
  return done(path, 'rubygems', deps, null);
}

/** *.gemspec: `spec.name = "x"`, `add_dependency` / `add_runtime_dependency` / `add_development_dependency`. */
export function parseGemspec(path: string, text: string): ParsedManifest {
  const deps = new DependencyCollector('rubygems');
  let name: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    const n = /^\w+\.name\s*=\s*["']([^"']+)["']/.exec(line);
    if (n?.[1] !== undefined) name = n[1];
    const d = /^\w+\.add_(runtime_|development_)?dependency\s*\(?\s*["']([^"']+)["']/.exec(line);
    if (d?.[2] !== undefined) deps.add(d[2], d[1] === 'development_' ? 'dev' : 'runtime');
  }
  return done(path, 'rubygems', deps, name);
}
