// No folder cycles under src/: when a file in folder A loads a file in folder B at run time, no
// file in B (or in a folder B leads to) loads one in A. Type-only imports (`import type`,
// `export type`) are not counted: they vanish from the emitted code. Bad input: a tree with a
// cycle is reported with the folders in order and a file-level import for each step.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { projectRoot } from '../../src/util/project-root.js';
import { folderCycles, folderGraph, runtimeImports, runtimeSpecifiers, type ImportEdge } from '../helpers/folder-graph.js';

function describeCycles(edges: ImportEdge[]): string[] {
  const graph = folderGraph(edges);
  return folderCycles(graph).map((cycle) => {
    const steps = cycle.slice(1).map((to, i) => graph.getEdgeAttribute(cycle[i]!, to, 'example'));
    return `${cycle.join(' → ')}\n${steps.map((s) => `    ${s.from} imports ${s.to}`).join('\n')}`;
  });
}

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'folder-graph-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

describe('folder cycles under src/', () => {
  test('no folder imports, at run time, a folder that leads back to it', () => {
    const edges = runtimeImports(join(projectRoot, 'src'));
    assert.ok(edges.length > 100, `only ${edges.length} imports found under src/`);
    const cycles = describeCycles(edges);
    assert.deepEqual(cycles, [], `folder cycles (move the piece that sits in the wrong folder):\n${cycles.join('\n')}`);
  });

  test('a cycle through three folders is named in order, with an import for each step', async () => {
    const root = await tree({
      'a/one.ts': "import { two } from '../b/two.js';\nexport const one = two;\n",
      'b/two.ts': "export { three as two } from '../c/three.js';\n",
      'c/three.ts': "export async function three() { return import('../a/one.js'); }\n",
      'top.ts': "import './a/one.js';\n",
    });
    try {
      assert.deepEqual(describeCycles(runtimeImports(root)), [
        'a → b → c → a\n    a/one.ts imports b/two.ts\n    b/two.ts imports c/three.ts\n    c/three.ts imports a/one.ts',
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('type-only imports and imports within one folder make no cycle', async () => {
    const root = await tree({
      'a/one.ts': "import type { Two } from '../b/two.js';\nimport { helper } from './helper.js';\nexport type { Two };\nexport const one = helper;\n",
      'a/helper.ts': 'export const helper = 1;\n',
      'b/two.ts': "import { one } from '../a/one.js';\nexport type Two = typeof one;\n",
    });
    try {
      assert.deepEqual(describeCycles(runtimeImports(root)), []);
      assert.deepEqual(runtimeImports(root).map((e) => `${e.from} → ${e.to}`).sort(), ['a/one.ts → a/helper.ts', 'b/two.ts → a/one.ts']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('which specifiers count: inline `type` names still load the module; packages are not folders', () => {
    const text = [
      "import type { A } from './a.js';",
      "export type { B } from './b.js';",
      "import { type C } from './c.js';",
      "import { D, type E } from './d.js';",
      "import { z } from 'zod';",
      "export * from './f.js';",
      "const g = await import('./g.js');",
    ].join('\n');
    assert.deepEqual(runtimeSpecifiers(text), ['./c.js', './d.js', './f.js', './g.js']);
  });
});
