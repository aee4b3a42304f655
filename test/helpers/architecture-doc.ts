/** The Mermaid blocks of a Markdown document. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

/** The tables the migrations leave behind, applied in order (up parts only, comments ignored). */
export function migrationTables(migrations: readonly string[]): string[] {
  const tables = new Set<string>();
  for (const text of migrations) {
    const up = (text.split(/^-- Down Migration/m)[0] ?? '').replace(/--.*$/gm, '');
    for (const m of up.matchAll(/\b(CREATE(?:\s+UNLOGGED)?\s+TABLE(?:\s+IF\s+NOT\s+EXISTS)?|DROP\s+TABLE(?:\s+IF\s+EXISTS)?)\s+(\w+)/gi)) {
      const name = (m[2] ?? '').toLowerCase();
      if (/^CREATE/i.test(m[1] ?? '')) tables.add(name);
      else tables.delete(name);
    }
  }
  return [...tables].sort();
}

export interface ArchitectureFacts {
  /** Every table the migrations leave. */
  tables: readonly string[];
  /** The task-queue kinds (`taskQueues(prefix)`'s keys). */
  queues: readonly string[];
  /** Whether a camelCase name is defined in the sources (an activity or workflow). */
  defined: (name: string) => boolean;
}

/**
 * What the document gets wrong: tables it leaves out, snake_case names that are no table,
 * queue subgraphs that differ from the code's queues, and activity or workflow names the sources
 * do not define.
 */
export function architectureErrors(doc: string, facts: ArchitectureFacts): { missingTables: string[]; unknownTables: string[]; queues: string[]; unknownNames: string[] } {
  const blocks = mermaidBlocks(doc);
  if (blocks.length !== 1) throw new Error(`expected one Mermaid diagram, found ${blocks.length}`);
  const diagram = blocks[0] ?? '';
  const words = new Set(doc.match(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)*\b/g) ?? []);
  const missingTables = facts.tables.filter((t) => !words.has(t));
  const unknownTables = [...new Set(doc.match(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g) ?? [])].filter((w) => !facts.tables.includes(w)).sort();
  const subgraphs = [...diagram.matchAll(/^\s*subgraph\s+(\w+)/gm)].map((m) => m[1] ?? '').sort();
  const queues = subgraphs.join(',') === [...facts.queues].sort().join(',') ? [] : subgraphs;
  const unknownNames = [...new Set(doc.match(/\b[a-z]+(?:[A-Z][a-z]*)+\b/g) ?? [])].filter((n) => !facts.defined(n)).sort();
  return { missingTables, unknownTables, queues, unknownNames };
}
