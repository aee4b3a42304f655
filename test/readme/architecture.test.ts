// docs/architecture.md against the code: one Mermaid diagram, every table the migrations leave and
// no other, the task queues of src/temporal/task-queues.ts, and activity and workflow names the
// sources define.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/util/project-root.js';
import { taskQueues } from '../../src/temporal/task-queues.js';
import { architectureErrors, migrationTables, type ArchitectureFacts } from '../helpers/architecture-doc.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

const src = sources(join(projectRoot, 'src')).join('\n');
const migrations = readdirSync(join(projectRoot, 'migrations')).filter((f) => f.endsWith('.sql')).sort().map((f) => readFileSync(join(projectRoot, 'migrations', f), 'utf8'));
const facts: ArchitectureFacts = {
  tables: migrationTables(migrations),
  queues: Object.keys(taskQueues('p')),
  // A method or property (`name(`, `name:`), or an exported function.
  defined: (name) => new RegExp(`(\\b${name}\\s*[(:]|function\\s+${name}\\b)`).test(src),
};

test('docs/architecture.md names every table, the task queues, and activities and workflows that exist', () => {
  const doc = readFileSync(join(projectRoot, 'docs', 'architecture.md'), 'utf8');
  assert.ok(facts.tables.includes('repositories') && facts.tables.includes('issue_ranks'), facts.tables.join(', '));
  assert.deepEqual(architectureErrors(doc, facts), { missingTables: [], unknownTables: [], queues: [], unknownNames: [] });
});

test('tables follow the migrations in order: created, dropped, and only in up parts', () => {
  const tables = migrationTables([
    '-- Up Migration\nCREATE TABLE a (x int);\nCREATE UNLOGGED TABLE b (x int);\n-- CREATE TABLE commented (x int);\n-- Down Migration\nDROP TABLE a;\nCREATE TABLE down_only (x int);',
    '-- Up Migration\nDROP TABLE IF EXISTS b;\nCREATE TABLE IF NOT EXISTS c (x int);',
  ]);
  assert.deepEqual(tables, ['a', 'c']);
});

test('a document with a missing or unknown table, other queues or an unknown activity is reported', () => {
  const small: ArchitectureFacts = { tables: ['issues', 'pull_requests'], queues: ['core', 'llm'], defined: (n) => n === 'generateFix' };
  const doc = '# A\n\n```mermaid\nflowchart TB\n  subgraph core["q"]\n  end\n  subgraph gpu["q"]\n  end\n  fix["generateFix, inventedStep · writes issues, fix_tables"]\n```\n';
  assert.deepEqual(architectureErrors(doc, small), { missingTables: ['pull_requests'], unknownTables: ['fix_tables'], queues: ['core', 'gpu'], unknownNames: ['inventedStep'] });
});

test('a document with no diagram, or with two, is refused', () => {
  const small: ArchitectureFacts = { tables: [], queues: [], defined: () => true };
  assert.throws(() => architectureErrors('# A\n\nNo diagram.', small), /one Mermaid diagram, found 0/);
  const two = '```mermaid\nflowchart TB\n```\n\n```mermaid\nflowchart LR\n```\n';
  assert.throws(() => architectureErrors(two, small), /one Mermaid diagram, found 2/);
});
