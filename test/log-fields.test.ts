import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { projectRoot } from '../src/util/project-root.js';

const run = promisify(execFile);

test('process-wide log fields reach every line, and one line\'s own fields never leak into the next', async () => {
  const script = [
    "const { logger, setProcessLogFields } = await import('./src/log.ts');",
    "setProcessLogFields({ model: 'scripted-demo' });",
    "logger.child({ component: 'a' }).info({ key: 'k1', ms: 5 }, 'first');",
    "logger.child({ component: 'b' }).info('second');",
  ].join('\n');
  const { stderr } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: projectRoot, env: { ...process.env, GLOBALLM_LOG_FORMAT: 'json', GLOBALLM_LOG_LEVEL: 'info' },
  });
  const lines = stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(lines.map((l) => [l['msg'], l['model'], l['component']]), [['first', 'scripted-demo', 'a'], ['second', 'scripted-demo', 'b']]);
  assert.equal(lines[1]?.['key'], undefined, JSON.stringify(lines[1]));
  assert.equal(lines[1]?.['ms'], undefined);
});
