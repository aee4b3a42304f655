import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childServiceEnv } from '../../src/stack/temporal-server.js';

test('the Temporal dev server is started with a minimal environment: no tokens, keys or database URLs', () => {
  const env = childServiceEnv({ PATH: '/usr/bin', HOME: '/home/x', GITHUB_TOKEN: 'ghp_x', ANTHROPIC_API_KEY: 'sk', DATABASE_URL: 'postgres://u:p@h/db', LANG: 'C.UTF-8' });
  assert.deepEqual(env, { PATH: '/usr/bin', HOME: '/home/x', LANG: 'C.UTF-8' });
});
