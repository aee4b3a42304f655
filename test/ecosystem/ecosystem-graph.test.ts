import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDependencyGraph, repositoryCentrality, type RepositoryManifests } from '../../src/ecosystem/graph.js';
import { parseManifest } from '../../src/ecosystem/manifests/index.js';

function repo(name: string, files: Record<string, string>): RepositoryManifests {
  return { repo: name, manifests: Object.entries(files).map(([p, t]) => parseManifest(p, t)!).filter(Boolean) };
}
const pkg = (name: string, deps: Record<string, string> = {}, dev: Record<string, string> = {}): string =>
  JSON.stringify({ name, dependencies: deps, devDependencies: dev });

const core = repo('acme/core', { 'package.json': pkg('core') });
const utils = repo('acme/utils', { 'package.json': pkg('utils', { core: '1' }) });
const web = repo('acme/web', { 'package.json': pkg('web', { core: '1', utils: '1' }, { testkit: '1' }) });
const app = repo('acme/app', { 'package.json': JSON.stringify({ name: 'app', private: true, dependencies: { web: '1' } }) });

describe('dependency graph', () => {
  test('edges point FROM the dependent TO the dependency', () => {
    const { graph } = buildDependencyGraph([core, utils, web, app]);
    assert.ok(graph.hasDirectedEdge('npm:utils', 'npm:core'));
    assert.ok(!graph.hasDirectedEdge('npm:core', 'npm:utils'));
    assert.deepEqual(graph.outNeighbors('npm:web').sort(), ['npm:core', 'npm:utils']);
    assert.deepEqual(graph.inNeighbors('npm:core').sort(), ['npm:utils', 'npm:web']);
    assert.equal(graph.outDegree('npm:core'), 0);
  });

  test('a repository that publishes nothing gets its own node', () => {
    const dg = buildDependencyGraph([app]);
    assert.deepEqual(dg.repositoryNodes.get('acme/app'), ['repo:acme/app']);
    assert.ok(dg.graph.hasDirectedEdge('repo:acme/app', 'npm:web'));
  });

  test('dev dependencies are not edges by default, but can be', () => {
    assert.equal(buildDependencyGraph([web]).graph.hasNode('npm:testkit'), false);
    assert.ok(buildDependencyGraph([web], { kinds: ['runtime', 'dev'] }).graph.hasDirectedEdge('npm:web', 'npm:testkit'));
  });

  test('names meet across normalisation (PyPI underscores, case)', () => {
    const lib = repo('x/lib', { 'pyproject.toml': '[project]\nname = "Typing_Extensions"\n' });
    const user = repo('x/user', { 'requirements.txt': 'typing-extensions>=4\n' });
    const dg = buildDependencyGraph([lib, user]);
    assert.ok(dg.graph.hasDirectedEdge('repo:x/user', 'pypi:typing-extensions'));
    assert.deepEqual(dg.repositoryNodes.get('x/lib'), ['pypi:typing-extensions']);
  });

  test('self-dependencies and duplicates do not break the graph', () => {
    const selfish = repo('x/self', { 'package.json': pkg('self', { self: '1' }), 'sub/package.json': pkg('self2', { self: '1' }) });
    const dg = buildDependencyGraph([selfish, selfish]);
    assert.equal(dg.graph.hasDirectedEdge('npm:self', 'npm:self'), false);
    assert.ok(dg.graph.hasDirectedEdge('npm:self2', 'npm:self'));
    assert.deepEqual(dg.repositoryNodes.get('x/self'), ['npm:self', 'npm:self2']);
  });
});

describe('centrality', () => {
  test('what many depend on ranks highest; normalised to the top repository', () => {
    const c = repositoryCentrality(buildDependencyGraph([core, utils, web, app]));
    const rank = (r: string): number => c.get(r)?.pagerank ?? -1;
    // core is depended on by utils and web, utils only by web (sharing web's rank with core),
    // web by app, and nothing depends on app.
    assert.ok(rank('acme/core') > rank('acme/web'));
    assert.ok(rank('acme/core') > rank('acme/utils'));
    assert.ok(rank('acme/web') > rank('acme/app'));
    assert.ok(rank('acme/utils') > rank('acme/app'));
    assert.equal(c.get('acme/core')?.normalised, 1);
    for (const v of c.values()) assert.ok(v.normalised >= 0 && v.normalised <= 1);
  });

  test('the sum of PageRank over all nodes is 1', () => {
    const dg = buildDependencyGraph([core, utils, web, app]);
    const c = repositoryCentrality(dg);
    const total = [...c.values()].reduce((s, v) => s + v.pagerank, 0);
    assert.ok(Math.abs(total - 1) < 1e-6, String(total));
  });

  test('empty input gives an empty map; deterministic otherwise', () => {
    assert.equal(repositoryCentrality(buildDependencyGraph([])).size, 0);
    const a = repositoryCentrality(buildDependencyGraph([core, utils, web]));
    const b = repositoryCentrality(buildDependencyGraph([core, utils, web]));
    assert.deepEqual([...a], [...b]);
  });

  test('failed manifests contribute a node but no edges', () => {
    const broken = repo('x/broken', { 'package.json': '{oops' });
    const dg = buildDependencyGraph([broken, core]);
    assert.equal(dg.graph.outDegree('repo:x/broken'), 0);
    assert.ok(repositoryCentrality(dg).has('x/broken'));
  });
});
