import type { Dependency, DependencyKind, Ecosystem, ParsedManifest } from '../schema.js';
import { isPlausiblePackageName, normalisePackageName } from '../names.js';

/** Manifests larger than this are refused rather than parsed (untrusted input). */
export const MAX_MANIFEST_BYTES = 1_000_000;
/** More dependencies than this in one file is not a real manifest. */
export const MAX_DEPENDENCIES = 5_000;

export function failed(path: string, ecosystem: Ecosystem, reason: string): ParsedManifest {
  return { path, ecosystem, publishes: null, isPrivate: false, dependencies: [], error: reason };
}

/** Collects dependencies, dropping implausible names and duplicates (first kind wins). */
export class DependencyCollector {
  private readonly seen = new Map<string, Dependency>();
  constructor(private readonly ecosystem: Ecosystem) {}

  add(rawName: string, kind: DependencyKind): void {
    if (!isPlausiblePackageName(rawName) || this.seen.size >= MAX_DEPENDENCIES) return;
    const name = normalisePackageName(this.ecosystem, rawName);
    if (!this.seen.has(name)) this.seen.set(name, { ecosystem: this.ecosystem, name, kind });
  }

  list(): Dependency[] {
    return [...this.seen.values()];
  }
}

export function done(
  path: string,
  ecosystem: Ecosystem,
  deps: DependencyCollector,
  publishes: string | null | undefined,
  isPrivate = false,
): ParsedManifest {
  const name = typeof publishes === 'string' && isPlausiblePackageName(publishes.trim()) && !isPrivate
    ? normalisePackageName(ecosystem, publishes)
    : null;
  return { path, ecosystem, publishes: name, isPrivate, dependencies: deps.list(), error: null };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]?.slice(0, 200) ?? 'parse error' : 'parse error';
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
