import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argvOf, commandName, coverage, readmeCommands } from '../helpers/readme-commands.js';

const README = [
  '# X', '', '## Quick start', '', '```sh', 'npm ci && npx globallm up', '```', '', '- Or:', '', '  ```sh', '  npx globallm up --demo', '  ```', '',
  'Then: `npx globallm status` and `npx globallm campaign status example`; not `npm test`.', '',
  '## Commands', '', '| command | what |', '|---|---|',
  '| `globallm status [--json]` | health |',
  '| `globallm issues list [--repo owner/repo]`, `globallm issues rerank` | ranking |',
  '| `globallm repo pause\\|resume <owner/repo> [--reason …]` | steer |', '',
  '### Steering with the `temporal` CLI', '', '```sh', `temporal workflow signal --workflow-id repo/a/b --name pause --input '{"reason":"x y"}'`, '```', '',
  'Also `temporal schedule list`.', '',
  '### Offline, without credentials: the stand-ins', '', '`npm run sim`, then `globallm discover --domain overall`.', '',
  '## Configuration', '', '`globallm not-a-step`',
].join('\n');

test('the README sections yield their commands in order; fenced set-up lines and other sections are left out', () => {
  assert.deepEqual(readmeCommands(README), {
    quickStart: ['globallm status', 'globallm campaign status example'],
    quickStartUp: ['globallm up', 'globallm up --demo'],
    table: ['status', 'issues list', 'issues rerank', 'repo pause|resume'],
    steering: [`temporal workflow signal --workflow-id repo/a/b --name pause --input '{"reason":"x y"}'`, 'temporal schedule list'],
    offline: ['npm run sim', 'globallm discover --domain overall'],
  });
});

test('a Commands row without a walkthrough step is reported missing, a step without a row stale', () => {
  const table = readmeCommands(README).table;
  assert.deepEqual(coverage(table, ['status', 'issues list', 'repo pause|resume', 'prs list']), { missing: ['issues rerank'], stale: ['prs list'] });
});

test('command names stop at the first flag or placeholder; argv follows shell quoting', () => {
  assert.equal(commandName('globallm score [owner/repo \\| --forge local --repo PATH] [--json]'), 'score');
  assert.equal(commandName('globallm campaign status|cancel <id>'), 'campaign status|cancel');
  assert.throws(() => commandName('temporal schedule list'), /not a globallm command/);
  assert.deepEqual(argvOf(`globallm repo pause a/b --reason "release freeze"`), ['repo', 'pause', 'a/b', '--reason', 'release freeze']);
  assert.throws(() => readmeCommands('# nothing here'), /no section "Quick start"/);
});
