// The example repositories' contents: two small JavaScript libraries, one depending on the other.

export const SLUGKIT = {
  'package.json': `${JSON.stringify({ name: 'slugkit', version: '1.2.0', description: 'A small library that turns titles into URL slugs', main: 'src/slug.js', type: 'commonjs', scripts: { test: 'node --test test/' }, license: 'MIT' }, null, 2)}\n`,
  'README.md': '# slugkit\n\nA small library that turns titles into URL slugs.\n\n```js\nconst { slugify } = require(\'slugkit\');\nslugify(\'Hello World\'); // \'hello-world\'\n```\n',
  'src/slug.js': [
    "'use strict';",
    '',
    '/** Lower-cases a title and joins its words with dashes. */',
    'function slugify(title) {',
    "  return String(title).trim().toLowerCase().replace(/[^a-z0-9]/g, '-');",
    '}',
    '',
    'module.exports = { slugify };',
    '',
  ].join('\n'),
  'test/slug.test.js': [
    "'use strict';",
    "const { test } = require('node:test');",
    "const assert = require('node:assert/strict');",
    "const { slugify } = require('../src/slug.js');",
    '',
    "test('lower-cases and joins words', () => {",
    "  assert.equal(slugify('Hello World'), 'hello-world');",
    '});',
    '',
  ].join('\n'),
};

export const BYTEFMT = {
  'package.json': `${JSON.stringify({ name: 'bytefmt', version: '0.4.1', description: 'Formats byte counts for people', main: 'src/format.js', type: 'commonjs', scripts: { test: 'node --test test/' }, peerDependencies: { slugkit: '^1.2.0' }, peerDependenciesMeta: { slugkit: { optional: true } }, license: 'MIT' }, null, 2)}\n`,
  'README.md': '# bytefmt\n\nFormats byte counts for people: `formatBytes(2048) === \'2 KiB\'`.\n',
  'src/format.js': [
    "'use strict';",
    '',
    "const UNITS = ['B', 'KiB', 'MiB', 'GiB'];",
    '',
    '/** 1536 → "1.5 KiB". */',
    'function formatBytes(n) {',
    '  let i = 0;',
    '  while (n > 1024 && i < UNITS.length - 1) {',
    '    n /= 1024;',
    '    i++;',
    '  }',
    "  return `${Number(n.toFixed(1))} ${UNITS[i]}`;",
    '}',
    '',
    'module.exports = { formatBytes };',
    '',
  ].join('\n'),
  'test/format.test.js': [
    "'use strict';",
    "const { test } = require('node:test');",
    "const assert = require('node:assert/strict');",
    "const { formatBytes } = require('../src/format.js');",
    '',
    "test('formats kibibytes', () => {",
    "  assert.equal(formatBytes(2048), '2 KiB');",
    '});',
    '',
  ].join('\n'),
};

/** Issues in the local forge's documented format (.globallm/issues.jsonl), dated relative to `now`. */
export function slugkitIssues(now: Date): object[] {
  const ago = (days: number): string => new Date(now.getTime() - days * 86_400_000).toISOString();
  return [
    { number: 1, title: 'slugify leaves repeated dashes', body: "`slugify('Hello,  World!')` returns `hello---world-` in src/slug.js; expected `hello-world`. Runs of separators should collapse and the ends should be trimmed.", labels: ['bug'], createdAt: ago(40), author: 'dana', reactions: 4, comments: [{ author: 'eli', body: 'Same here with titles that contain commas.', createdAt: ago(35) }] },
    { number: 2, title: 'Support a custom separator', body: 'Feature request: allow `slugify(title, { separator: "_" })`.', labels: ['enhancement'], createdAt: ago(20), author: 'finn' },
    { number: 3, title: 'Typo in README example', body: 'The README says "URL slugs" twice in the intro.', labels: ['documentation'], createdAt: ago(10), author: 'gia', assignees: ['gia'] },
    { number: 4, title: 'Unicode titles lose their letters', body: "`slugify('Crème brûlée')` drops the accented letters.", labels: ['bug'], createdAt: ago(8), author: 'hal', linkedPullRequests: [{ number: 9, state: 'OPEN' }] },
  ];
}

export function bytefmtIssues(now: Date): object[] {
  const ago = (days: number): string => new Date(now.getTime() - days * 86_400_000).toISOString();
  return [
    { number: 1, title: 'formatBytes(1024) prints 1024 B', body: 'Exactly 1024 bytes should be `1 KiB`, but src/format.js compares with `>` instead of `>=`.', labels: ['bug'], createdAt: ago(15), author: 'ivy', reactions: 2 },
    { number: 2, title: 'How do I format bits instead of bytes?', body: 'Is there an option for bits?', labels: ['question'], createdAt: ago(5), author: 'jon' },
  ];
}
