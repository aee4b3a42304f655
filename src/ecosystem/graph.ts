import { DirectedGraph } from 'graphology';
import { pagerank } from './pagerank.js';
import type { DependencyKind, ParsedManifest } from './schema.js';
import { packageKey } from './names.js';

/** What the graph needs to know about one repository. */
export interface RepositoryManifests {
  /** `owner/name`. */
  repo: string;
  manifests: readonly ParsedManifest[];
}

export interface DependencyGraphOptions {
  /** Dependency kinds that become edges; by default what a consumer inherits. */
  kinds?: readonly DependencyKind[];
}

export const DEFAULT_EDGE_KINDS: readonly DependencyKind[] = ['runtime', 'peer'];

export type NodeKind = 'package' | 'repository';

/**
 * The dependency graph. Nodes are packages (`npm:react`); a repository that publishes nothing
 * gets its own node (`repo:owner/name`) so its dependencies still count. Edges point FROM the
 * dependent TO the dependency, so PageRank flows towards what many others rely on.
 */
export interface DependencyGraph {
  graph: DirectedGraph<{ kind: NodeKind }>;
  /** Repository → the node ids that stand for it (its published packages, or its repo node). */
  repositoryNodes: Map<string, string[]>;
}

function ensureNode(g: DirectedGraph<{ kind: NodeKind }>, id: string, kind: NodeKind): void {
  if (!g.hasNode(id)) g.addNode(id, { kind });
}

export function buildDependencyGraph(repos: readonly RepositoryManifests[], options: DependencyGraphOptions = {}): DependencyGraph {
  const kinds = new Set(options.kinds ?? DEFAULT_EDGE_KINDS);
  const graph = new DirectedGraph<{ kind: NodeKind }>({ allowSelfLoops: false });
  const repositoryNodes = new Map<string, string[]>();
  for (const { repo, manifests } of repos) {
    const published = [...new Set(manifests.flatMap((m) => (m.publishes === null ? [] : [packageKey(m.ecosystem, m.publishes)])))];
    const own = published.length > 0 ? published : [`repo:${repo}`];
    for (const id of own) ensureNode(graph, id, published.length > 0 ? 'package' : 'repository');
    repositoryNodes.set(repo, [...new Set([...(repositoryNodes.get(repo) ?? []), ...own])]);
    for (const manifest of manifests) {
      const from = manifest.publishes === null ? own : [packageKey(manifest.ecosystem, manifest.publishes)];
      for (const dep of manifest.dependencies) {
        if (!kinds.has(dep.kind)) continue;
        const to = packageKey(dep.ecosystem, dep.name);
        ensureNode(graph, to, 'package');
        for (const source of from) if (source !== to && !graph.hasEdge(source, to)) graph.addEdge(source, to);
      }
    }
  }
  return { graph, repositoryNodes };
}

export interface Centrality {
  /** Sum of the PageRank of the repository's nodes (PageRank sums to 1 over the whole graph). */
  pagerank: number;
  /** pagerank divided by the highest repository pagerank in this graph: 0–1. */
  normalised: number;
}

/**
 * PageRank (damping 0.85) over the dependency graph and each repository's centrality. Pure:
 * the same repositories always give the same figures. An empty graph gives an empty map.
 */
export function repositoryCentrality(dg: DependencyGraph): Map<string, Centrality> {
  const out = new Map<string, Centrality>();
  if (dg.graph.order === 0) return out;
  const ranks = pagerank(dg.graph, { getEdgeWeight: null, alpha: 0.85, maxIterations: 200, tolerance: 1e-9 });
  const raw = new Map<string, number>();
  for (const [repo, nodes] of dg.repositoryNodes) raw.set(repo, nodes.reduce((sum, id) => sum + (ranks[id] ?? 0), 0));
  const max = Math.max(0, ...raw.values());
  for (const [repo, value] of raw) out.set(repo, { pagerank: value, normalised: max > 0 ? value / max : 0 });
  return out;
}
