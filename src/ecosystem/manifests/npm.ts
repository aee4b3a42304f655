import type { DependencyKind, ParsedManifest } from '../schema.js';
import { DependencyCollector, done, errorText, failed, isRecord } from './result.js';

const SECTIONS: Array<[string, DependencyKind]> = [
  ['dependencies', 'runtime'],
  ['peerDependencies', 'peer'],
  ['optionalDependencies', 'optional'],
  ['devDependencies', 'dev'],
];

/** package.json: dependencies, peer, optional and dev dependencies; publishes `name` unless private. */
export function parsePackageJson(path: string, text: string): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return failed(path, 'npm', `invalid JSON: ${errorText(err)}`);
  }
  if (!isRecord(doc)) return failed(path, 'npm', 'package.json is not a JSON object');
  const deps = new DependencyCollector('npm');
  for (const [section, kind] of SECTIONS) {
    const block = doc[section];
    if (isRecord(block)) for (const name of Object.keys(block)) deps.add(name, kind);
  }
  const name = typeof doc['name'] === 'string' ? doc['name'] : null;
  return done(path, 'npm', deps, name, doc['private'] === true);
}
