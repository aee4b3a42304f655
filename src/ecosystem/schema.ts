import { z } from 'zod';

/** Package registries whose manifests we read. */
export const Ecosystem = z.enum(['npm', 'pypi', 'go', 'cargo', 'rubygems', 'packagist']);
export type Ecosystem = z.infer<typeof Ecosystem>;

/**
 * How a dependency is used. `runtime` and `peer` are what a consumer inherits; `dev`, `build`,
 * `optional` and `indirect` (go.mod `// indirect`) are kept for the quality filter but are not
 * edges of the ecosystem graph by default.
 */
export const DependencyKind = z.enum(['runtime', 'peer', 'dev', 'build', 'optional', 'indirect']);
export type DependencyKind = z.infer<typeof DependencyKind>;

export const Dependency = z.object({
  ecosystem: Ecosystem,
  name: z.string().min(1).max(300),
  kind: DependencyKind,
});
export type Dependency = z.infer<typeof Dependency>;

/** One parsed manifest file. A malformed one keeps `error` and has no dependencies. */
export const ParsedManifest = z.object({
  path: z.string().min(1).max(500),
  ecosystem: Ecosystem,
  /** The package this manifest publishes, normalised like its dependencies; null when none. */
  publishes: z.string().min(1).max(300).nullable(),
  /** package.json `"private": true`: an application or a monorepo root, never published. */
  isPrivate: z.boolean(),
  dependencies: z.array(Dependency).max(10_000),
  error: z.string().nullable(),
});
export type ParsedManifest = z.infer<typeof ParsedManifest>;
