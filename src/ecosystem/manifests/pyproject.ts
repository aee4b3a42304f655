import { parse } from 'smol-toml';
import type { DependencyKind, ParsedManifest } from '../schema.js';
import { DependencyCollector, done, errorText, failed, isRecord } from './result.js';
import { requirementName } from './pep508.js';

function addPep508List(deps: DependencyCollector, list: unknown, kind: DependencyKind): void {
  if (!Array.isArray(list)) return;
  for (const item of list) {
    if (typeof item !== 'string') continue;
    const name = requirementName(item);
    if (name !== null) deps.add(name, kind);
  }
}

function addPoetryTable(deps: DependencyCollector, table: unknown, kind: DependencyKind): void {
  if (!isRecord(table)) return;
  for (const name of Object.keys(table)) if (name.toLowerCase() !== 'python') deps.add(name, kind);
}

/**
 * pyproject.toml: PEP 621 `[project]` (dependencies, optional-dependencies), PEP 735
 * `[dependency-groups]`, and Poetry's `[tool.poetry]` tables. Publishes `project.name` or
 * `tool.poetry.name`.
 */
export function parsePyproject(path: string, text: string): ParsedManifest {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text);
  } catch (err) {
    return failed(path, 'pypi', `invalid TOML: ${errorText(err)}`);
  }
  const deps = new DependencyCollector('pypi');
  const project = isRecord(doc['project']) ? doc['project'] : {};
  addPep508List(deps, project['dependencies'], 'runtime');
  if (isRecord(project['optional-dependencies'])) {
    for (const list of Object.values(project['optional-dependencies'])) addPep508List(deps, list, 'optional');
  }
  if (isRecord(doc['dependency-groups'])) {
    for (const list of Object.values(doc['dependency-groups'])) addPep508List(deps, list, 'dev');
  }
  const tool = isRecord(doc['tool']) ? doc['tool'] : {};
  const poetry = isRecord(tool['poetry']) ? tool['poetry'] : {};
  addPoetryTable(deps, poetry['dependencies'], 'runtime');
  addPoetryTable(deps, poetry['dev-dependencies'], 'dev');
  if (isRecord(poetry['group'])) {
    for (const group of Object.values(poetry['group'])) if (isRecord(group)) addPoetryTable(deps, group['dependencies'], 'dev');
  }
  const name = typeof project['name'] === 'string' ? project['name'] : typeof poetry['name'] === 'string' ? poetry['name'] : null;
  return done(path, 'pypi', deps, name);
}
