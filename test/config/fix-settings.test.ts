import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import { UsageError } from '../../src/errors.js';

test('fix and validation settings: defaults, and bad values named with their key', () => {
  const c = loadConfig({});
  assert.equal(c.GLOBALLM_FIX_MAX_OUTPUT_TOKENS, 8192);
  assert.equal(c.GLOBALLM_ENV_CACHE_DIR, '/var/tmp/globallm-envs');
  assert.deepEqual(loadConfig({ GLOBALLM_REGISTRY_HOSTS: 'npm.example.org,pypi.example.org' }).GLOBALLM_REGISTRY_HOSTS, ['npm.example.org', 'pypi.example.org']);
  for (const [key, bad] of [['GLOBALLM_FIX_MAX_OUTPUT_TOKENS', '10'], ['GLOBALLM_ENV_CACHE_MB', '1'], ['GLOBALLM_REGISTRY_HOSTS', 'evil.example.org/path'], ['GLOBALLM_OPEN_UNPROVEN', 'yes'], ['GLOBALLM_SANDBOX_CONCURRENCY', '0']] as const) {
    assert.throws(() => loadConfig({ [key]: bad }), (err: unknown) => err instanceof UsageError && err.message.includes(key), key);
  }
});
