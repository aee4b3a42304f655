import type { ParsedManifest } from '../schema.js';
import { DependencyCollector, done, errorText, failed, isRecord } from './result.js';

/** Platform requirements (`php`, `ext-json`, `lib-curl`, `composer-plugin-api`) are not packages. */
function isPlatform(name: string): boolean {
  return !name.includes('/');
}

/** composer.json: `require` and `require-dev`; publishes `name`. */
export function parseComposerJson(path: string, text: string): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return failed(path, 'packagist', `invalid JSON: ${errorText(err)}`);
  }
  if (!isRecord(doc)) return failed(path, 'packagist', 'composer.json is not a JSON object');
  const deps = new DependencyCollector('packagist');
  for (const [section, kind] of [['require', 'runtime'], ['require-dev', 'dev']] as const) {
    const block = doc[section];
    if (isRecord(block)) for (const name of Object.keys(block)) if (!isPlatform(name)) deps.add(name, kind);
  }
  return done(path, 'packagist', deps, typeof doc['name'] === 'string' ? doc['name'] : null);
}
