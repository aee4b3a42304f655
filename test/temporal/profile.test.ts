import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { clusterExtras } from '../../src/temporal/connect.js';
import { UsageError } from '../../src/errors.js';
import { testTemporalAddress } from '../helpers/temporal.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'globallm-profile-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p; };
const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const toml = file('temporal.toml', `
[profile.default]
address = "temporal.internal:7233"
namespace = "prod"

[profile.cloud]
address = "acme.a1b2c.tmprl.cloud:7233"
namespace = "acme.a1b2c"
api_key = "secret-key"

[profile.mtls]
address = "temporal.corp:7233"
[profile.mtls.tls]
server_ca_cert_path = "${ca}"
server_name = "temporal.corp"
`);
const isUsage = (why: RegExp) => (err: unknown): boolean => err instanceof UsageError && why.test(err.message);

describe('Temporal connection profiles (temporal.toml and TEMPORAL_*)', () => {
  test('without a file or variables: the embedded dev server, profile default', () => {
    const c = loadConfig({ TEMPORAL_CONFIG_FILE: join(dir, 'absent.toml') });
    assert.equal(c.temporal.name, 'default');
    assert.equal(c.TEMPORAL_ADDRESS, undefined);
    assert.equal(c.TEMPORAL_NAMESPACE, 'default');
    assert.deepEqual(clusterExtras(c), {});
  });

  test('the default profile, a named one, and variables that override it', () => {
    const d = loadConfig({ TEMPORAL_CONFIG_FILE: toml });
    assert.deepEqual([d.TEMPORAL_ADDRESS, d.TEMPORAL_NAMESPACE], ['temporal.internal:7233', 'prod']);
    const cloud = loadConfig({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'cloud' });
    assert.deepEqual([cloud.temporal.name, cloud.TEMPORAL_ADDRESS, cloud.TEMPORAL_NAMESPACE], ['cloud', 'acme.a1b2c.tmprl.cloud:7233', 'acme.a1b2c']);
    assert.deepEqual(clusterExtras(cloud), { apiKey: 'secret-key', tls: true }, 'an API key implies TLS');
    const env = loadConfig({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'cloud', TEMPORAL_ADDRESS: 'other:7233', TEMPORAL_API_KEY: 'from-env' });
    assert.equal(env.TEMPORAL_ADDRESS, 'other:7233');
    assert.equal(clusterExtras(env).apiKey, 'from-env');
    const mtls = clusterExtras(loadConfig({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'mtls' }));
    assert.equal(typeof mtls.tls, 'object');
    assert.equal((mtls.tls as { serverNameOverride?: string }).serverNameOverride, 'temporal.corp');
  });

  test('an unknown profile or a malformed file is bad usage naming the profile', () => {
    assert.throws(() => loadConfig({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'staging' }), isUsage(/Temporal profile "staging".*not found/));
    const broken = file('broken.toml', '[profile.default\naddress = 1');
    assert.throws(() => loadConfig({ TEMPORAL_CONFIG_FILE: broken }), isUsage(/Temporal profile "default" \(.*broken\.toml\)/));
    const missingCa = file('missing-ca.toml', `[profile.x]\naddress = "h:1"\n[profile.x.tls]\nserver_ca_cert_path = "${join(dir, 'nope.pem')}"\n`);
    assert.throws(() => loadConfig({ TEMPORAL_CONFIG_FILE: missingCa, TEMPORAL_PROFILE: 'x' }), isUsage(/Temporal profile "x"/));
  });

  test('status connects through a profile and says which; a bad profile exits 2 naming it', async () => {
    const conf = file('test.toml', `[profile.suite]\naddress = "${testTemporalAddress()}"\nnamespace = "default"\n`);
    const env = { TEMPORAL_CONFIG_FILE: conf, TEMPORAL_PROFILE: 'suite', TEMPORAL_ADDRESS: '', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    const ok = await runCli(['status', '--json'], env);
    const status = JSON.parse(ok.stdout) as { temporalProfile: string; checks: Array<{ name: string; ok: boolean; detail: string }> };
    assert.equal(status.temporalProfile, 'suite');
    const temporal = status.checks.find((c) => c.name === 'temporal');
    assert.equal(temporal?.ok, true, temporal?.detail);
    assert.match(temporal?.detail ?? '', /profile suite/);
    const bad = await runCli(['status'], { ...env, TEMPORAL_PROFILE: 'nightly' });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Temporal profile "nightly"/);
  });
});
