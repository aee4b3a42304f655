import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCampaignOptions } from '../../src/campaign/options.js';
import { UsageError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';

test('invalid campaign options name the option and start nothing (exit 2, before any connection)', async () => {
  // An address nothing listens on: validation must fail first.
  const r = await runCli(['campaign', 'start', '--max-repos', '0', '--language', 'klingon'], { TEMPORAL_ADDRESS: '127.0.0.1:1' }, { timeoutMs: 30_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /maxRepos/);
  assert.match(r.stderr, /unknown language "klingon"/);
  assert.throws(() => parseCampaignOptions({ forge: 'svn' }), (e: unknown) => e instanceof UsageError && /forge/.test(e.message));
  assert.throws(() => parseCampaignOptions({ surprise: true }), (e: unknown) => e instanceof UsageError && /surprise/.test(e.message));
  assert.equal(parseCampaignOptions({}).forge, 'github');
});

test('--in-flight takes a whole number from 1 to 10,000; anything else names the option', async () => {
  assert.equal(parseCampaignOptions({}).inFlight, 16);
  assert.equal(parseCampaignOptions({ inFlight: '3' }).inFlight, 3);
  for (const bad of ['0', '-2', '1.5', 'many', '10001']) {
    assert.throws(() => parseCampaignOptions({ inFlight: bad }), (e: unknown) => e instanceof UsageError && /inFlight/.test(e.message), bad);
  }
  const r = await runCli(['campaign', 'start', '--forge', 'local', '--in-flight', '0'], { TEMPORAL_ADDRESS: '127.0.0.1:1' }, { timeoutMs: 30_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /inFlight/);
});
