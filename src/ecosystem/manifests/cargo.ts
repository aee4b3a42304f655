import { parse } from 'smol-toml';
import type { DependencyKind, ParsedManifest } from '../schema.js';
import { DependencyCollector, done, errorText, failed, isRecord } from './result.js';

const SECTIONS: Array<[string, DependencyKind]> = [
  ['dependencies', 'runtime'],
  ['build-dependencies', 'build'],
  ['dev-dependencies', 'dev'],
];

/** A renamed dependency (`foo = { package = "real-name" }`) depends on `real-name`. */
function addTable(deps: DependencyCollector, table: unknown, kind: DependencyKind): void {
  if (!isRecord(table)) return;
  for (const [key, spec] of Object.entries(table)) {
    const real = isRecord(spec) && typeof spec['package'] === 'string' ? spec['package'] : key;
    const optional = isRecord(spec) && spec['optional'] === true && kind === 'runtime';
    deps.add(real, optional ? 'optional' : kind);
  }
}

/** Cargo.toml: dependencies (also per target), build and dev dependencies; publishes `[package].name`. */
export function parseCargoToml(path: string, text: string): ParsedManifest {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text);
  } catch (err) {
    return failed(path, 'cargo', `invalid TOML: ${errorText(err)}`);
  }
  const deps = new DependencyCollector('cargo');
  for (const [section, kind] of SECTIONS) addTable(deps, doc[section], kind);
  if (isRecord(doc['target'])) {
    for (const target of Object.values(doc['target'])) {
      if (!isRecord(target)) continue;
      for (const [section, kind] of SECTIONS) addTable(deps, target[section], kind);
    }
  }
  const pkg = isRecord(doc['package']) ? doc['package'] : {};
  const publishable = pkg['publish'] !== false;
  return done(path, 'cargo', deps, publishable && typeof pkg['name'] === 'string' ? pkg['name'] : null);
}
