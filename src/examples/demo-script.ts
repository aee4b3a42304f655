import type { ScriptRule } from '../sim/llm/schema.js';

// What the scripted model answers for the example repositories' two bugs: the files to read,
// then a search/replace fix plus a new test that fails before and passes after. `up --demo`
// answers with it (src/examples/demo.ts), and the end-to-end tests script the LLM stand-in with it.
export const pick = (id: string, contains: string, path: string): ScriptRule => ({
  id, match: { tool: 'select_files', contains }, respond: { toolUse: { name: 'select_files', input: { files: [{ path, reason: 'named in the issue' }] } } },
});
export const fix = (id: string, contains: string, edits: unknown[], explanation = `Fix for ${id}.`): ScriptRule => ({
  id, match: { tool: 'propose_fix', contains }, respond: { toolUse: { name: 'propose_fix', input: { explanation, edits } } },
});

/** One rule pair per example bug; any other request finds no rule, and the stand-in says so. */
export function exampleScript(): ScriptRule[] {
  return [
    pick('slug-files', 'slugify leaves repeated dashes', 'src/slug.js'),
    fix('slug-fix', 'slugify leaves repeated dashes', [
      { path: 'src/slug.js', search: ".replace(/[^a-z0-9]/g, '-');", replace: ".replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');" },
      { path: 'test/collapse.test.js', newFile: "'use strict';\nconst { test } = require('node:test');\nconst assert = require('node:assert/strict');\nconst { slugify } = require('../src/slug.js');\n\ntest('collapses runs of separators', () => {\n  assert.equal(slugify('Hello,  World!'), 'hello-world');\n});\n" },
    ], 'Runs of separators now become one dash and dashes at the ends are trimmed; a new test checks the example from the issue.'),
    pick('bytes-files', 'formatBytes(1024) prints 1024 B', 'src/format.js'),
    fix('bytes-fix', 'formatBytes(1024) prints 1024 B', [
      { path: 'src/format.js', search: 'while (n > 1024', replace: 'while (n >= 1024' },
      { path: 'test/exact.test.js', newFile: "'use strict';\nconst { test } = require('node:test');\nconst assert = require('node:assert/strict');\nconst { formatBytes } = require('../src/format.js');\n\ntest('exactly 1024 bytes is 1 KiB', () => {\n  assert.equal(formatBytes(1024), '1 KiB');\n});\n" },
    ], 'The unit loop compares with >= so that exactly 1024 bytes is 1 KiB; a new test checks it.'),
  ];
}
