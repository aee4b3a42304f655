// The folder graph of src/: one node per entry directly under src/ (a folder, or a file at the
// top), one edge A → B when a file under A imports a file under B at run time. `import type` and
// `export type` declarations are left out: they vanish from the emitted code. An inline
// `import { type X }` still counts, because verbatimModuleSyntax keeps it as `import {} from`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { DirectedGraph } from 'graphology';
import ts from 'typescript';

/** Where one runtime import leads: the importing file and the imported one, both relative to the root. */
export interface ImportEdge {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return entry.endsWith('.ts') && !entry.endsWith('.d.ts') ? [path] : [];
  });
}

function isTypeOnly(node: ts.Node): boolean {
  if (ts.isImportDeclaration(node)) return node.importClause?.isTypeOnly ?? false;
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  return false;
}

/** Relative module specifiers a file loads at run time: static imports, re-exports and `import()`. */
export function runtimeSpecifiers(text: string, fileName = 'file.ts'): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!isTypeOnly(node)) found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) found.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((s) => s.startsWith('.'));
}

/** Every runtime import between files under `srcDir`, with `.js` specifiers mapped to their `.ts` sources. */
export function runtimeImports(srcDir: string): ImportEdge[] {
  return sourceFiles(srcDir).flatMap((file) =>
    runtimeSpecifiers(readFileSync(file, 'utf8'), file).map((spec) => ({
      from: relative(srcDir, file),
      to: relative(srcDir, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))),
    })),
  );
}

function topEntry(path: string): string {
  return path.split(sep)[0] ?? path;
}

/** The folder graph; each edge keeps one file-level import that makes it, for the failure message. */
export function folderGraph(edges: ImportEdge[]): DirectedGraph<Record<string, never>, { example: ImportEdge }> {
  const graph = new DirectedGraph<Record<string, never>, { example: ImportEdge }>();
  for (const edge of edges) {
    const [a, b] = [topEntry(edge.from), topEntry(edge.to)];
    if (a === b || b.startsWith('..')) continue;
    graph.mergeNode(a);
    graph.mergeNode(b);
    if (!graph.hasEdge(a, b)) graph.addEdge(a, b, { example: edge });
  }
  return graph;
}

/** One cycle per back edge met in a depth-first walk, each as its folders in order (first repeated last). */
export function folderCycles(graph: DirectedGraph): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const cycles: string[][] = [];
  const walk = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.outNeighbors(node).sort()) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) walk(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of graph.nodes().sort()) if (!state.has(node)) walk(node);
  return cycles;
}
