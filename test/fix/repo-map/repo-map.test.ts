import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { tokensOf } from '../../../src/llm/estimate.js';
import { buildRepoIndex } from '../../../src/fix/repo-map/build.js';
import { issueMentions } from '../../../src/fix/repo-map/mentions.js';
import { rankFiles } from '../../../src/fix/repo-map/rank.js';
import { fitRepoMap } from '../../../src/fix/repo-map/render.js';
import { codeSearch } from '../../../src/fix/repo-map/search.js';
import { treeSitterOutline } from '../../../src/fix/repo-map/tree-sitter.js';
import { makeRepo } from '../../helpers/temp-repo.js';

function bigRepo(): Record<string, string> {
  const files: Record<string, string> = {
    'pkg/parser.py': 'from pkg.util import helper\n\nclass Parser:\n    def parse_header(self, text):\n        return helper(text)\n\n\ndef _private():\n    pass\n',
    'pkg/util.py': 'def helper(x):\n    return x\n',
    'web/app.ts': 'export class App {\n  run(): void { start(); }\n}\nexport function start(): number { return 1; }\nexport interface Options { verbose: boolean }\n',
    'lib/thing.rb': 'module Thing\n  def self.go\n  end\nend\n',
    'README.md': '# readme\n',
  };
  for (let i = 0; i < 60; i++) files[`pkg/mod${i}.py`] = `from pkg.util import helper\n\n\ndef func_${i}_a():\n    return helper(${i})\n\n\ndef func_${i}_b():\n    return ${i}\n`;
  return files;
}

describe('repo map', () => {
  const dirs: string[] = [];
  after(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

  test('outlines with tree-sitter where a grammar exists and a regex outline elsewhere', async () => {
    const dir = await makeRepo(bigRepo());
    dirs.push(dir);
    const index = await buildRepoIndex(dir);
    const parser = index.files.find((f) => f.path === 'pkg/parser.py');
    assert.equal(parser?.parser, 'tree-sitter');
    assert.deepEqual(parser?.symbols.map((s) => [s.name, s.kind, s.line, s.exported]), [['Parser', 'class', 3, true], ['parse_header', 'method', 4, false], ['_private', 'function', 8, false]]);
    assert.ok(parser?.refs.includes('helper'));
    const app = index.files.find((f) => f.path === 'web/app.ts');
    assert.deepEqual(app?.symbols.map((s) => `${s.kind}:${s.name}:${s.exported}`).sort(), ['class:App:true', 'function:start:true', 'interface:Options:true', 'method:run:true']);
    const rb = index.files.find((f) => f.path === 'lib/thing.rb');
    assert.equal(rb?.parser, 'regex');
    assert.ok(rb?.symbols.some((s) => s.name === 'Thing'));
    assert.equal(index.files.find((f) => f.path === 'README.md')?.parser, 'none');
  });

  test('ranks the file named in the issue first and fits the token budget', async () => {
    const dir = await makeRepo(bigRepo());
    dirs.push(dir);
    const index = await buildRepoIndex(dir);
    const mentions = issueMentions('Crash in pkg/parser.py when the header is empty');
    const ranked = rankFiles(index, mentions);
    assert.equal(ranked[0]?.path, 'pkg/parser.py');
    // util.py is used by every module: the reference graph lifts it above them.
    const util = ranked.findIndex((f) => f.path === 'pkg/util.py');
    assert.ok(ranked.slice(util + 1).some((f) => f.path.startsWith('pkg/mod')));
    for (const budget of [40, 150, 600]) {
      const map = fitRepoMap(ranked, budget);
      assert.ok(map.tokens <= budget, `${map.tokens} > ${budget}`);
      assert.equal(tokensOf(map.text), map.tokens);
      assert.equal(map.files[0], 'pkg/parser.py');
      assert.ok(map.files.length < ranked.length);
    }
    assert.ok(fitRepoMap(ranked, 600).files.length > fitRepoMap(ranked, 150).files.length);
    assert.deepEqual(fitRepoMap(ranked, 1).files, []);
    // An identifier the issue mentions ranks the file that defines it first.
    assert.equal(rankFiles(index, issueMentions('`func_17_b` returns the wrong value'))[0]?.path, 'pkg/mod17.py');
  });

  test('git grep finds identifiers from the issue as fixed strings; odd terms are ignored', async () => {
    const dir = await makeRepo(bigRepo());
    dirs.push(dir);
    const hits = await codeSearch(dir, ['parse_header', 'no_such_name_xyz', '-e', 'a.*b', '--output=/tmp/x']);
    assert.deepEqual(hits.map((h) => `${h.path}:${h.line}`), ['pkg/parser.py:4']);
    assert.equal(hits[0]?.term, 'parse_header');
  });

  test('every bundled grammar loads and its query compiles', async () => {
    for (const g of ['python', 'javascript', 'typescript', 'tsx', 'go', 'rust', 'java']) {
      const out = await treeSitterOutline(g, '');
      assert.ok(out, `${g} fell back to the regex outline`);
    }
    assert.equal(await treeSitterOutline('cobol', 'x'), null);
  });

  test('issue mentions: identifiers, paths and words', () => {
    const m = issueMentions('`Parser.parse_header` fails in src/a/b.py; see parseHeader() and README.md');
    assert.ok(m.identifiers.includes('parse_header'));
    assert.ok(m.identifiers.includes('Parser'));
    assert.ok(m.identifiers.includes('parseHeader'));
    assert.deepEqual(m.paths.sort(), ['README.md', 'src/a/b.py']);
    assert.deepEqual(issueMentions('').identifiers, []);
  });

  test('issue mentions: template scaffolding is not the issue\'s words, its field values are', () => {
    const m = issueMentions('Bug: broken url string\r\n**Information**\r\n- Language: CSS\r\n- Plugins: none\r\n## Description\r\n'
      + '<img width="9" alt="Screen Shot" src="https://example.com/a.png">\r\n<details><summary>The code being highlighted.</summary>\r\nThe parser test fails.\r\n</details>');
    for (const w of ['css', 'broken', 'url', 'parser', 'fails']) assert.ok(m.words.includes(w), w);
    for (const w of ['information', 'language', 'plugins', 'description', 'img', 'width', 'screen', 'code', 'highlighted', 'test']) assert.ok(!m.words.includes(w), w);
    assert.deepEqual(m.titleWords, ['broken', 'url', 'string']);
  });

  test('a rare part of a file name outranks a hub file; a part many files share weighs less', async () => {
    const files: Record<string, string> = { 'core.js': 'function register(name) { return name; }\nmodule.exports = { register };\n' };
    // A hub every component uses, so PageRank lifts it; css has many sibling files, lua few.
    for (const l of ['css', 'sql', 'java', 'rust', 'ruby', 'perl', 'lua', 'go', 'php', 'bash']) files[`components/lang-${l}.js`] = `register('${l}');\n`;
    for (const l of ['css', 'sql']) for (const x of ['extra', 'more', 'other']) files[`components/lang-${l}-${x}.js`] = `register('${l}-${x}');\n`;
    const root = await makeRepo(files);
    try {
      const index = await buildRepoIndex(root);
      const ranked = rankFiles(index, issueMentions('Broken keyword\n- Language: Lua'));
      assert.equal(ranked.findIndex((f) => f.path === 'components/lang-lua.js') < ranked.findIndex((f) => f.path === 'core.js'), true);
      const rare = ranked.find((f) => f.path === 'components/lang-lua.js')?.score ?? 0;
      const shared = rankFiles(index, issueMentions('Broken keyword\n- Language: CSS')).find((f) => f.path === 'components/lang-css.js')?.score ?? 0;
      assert.ok(rare > shared, `${rare} > ${shared}`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
