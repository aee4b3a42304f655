// No dead settings: every configuration key (src/config/schema.ts) and every flag the README
// documents has a probe that proves it changes behaviour, and a documented name without a probe,
// or a key the README does not document, fails here.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvConfig } from '../../../src/config/schema.js';
import { projectRoot } from '../../../src/util/project-root.js';
import { documentedFlags, documentedKeys } from './documented.js';
import { ENV_PROBES } from './env-probes.js';
import { SYSTEM_PROBES } from './system-probes.js';
import { FLAG_PROBES as COMMAND_FLAG_PROBES } from './flag-probes.js';
import { SCHEDULE_FLAG_PROBES, SCHEDULE_KEY_PROBES } from './schedule-probes.js';
import { probeContext, type ProbeContext } from './context.js';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
const keyProbes = { ...ENV_PROBES, ...SYSTEM_PROBES, ...SCHEDULE_KEY_PROBES };
const FLAG_PROBES = { ...COMMAND_FLAG_PROBES, ...SCHEDULE_FLAG_PROBES };

describe('no dead settings', () => {
  test('every configuration key is documented, and every documented key and flag has a probe', () => {
    const keys = documentedKeys(readme);
    assert.deepEqual(Object.keys(EnvConfig.shape).filter((k) => !keys.includes(k)), [], 'keys the README does not document');
    assert.deepEqual(keys.filter((k) => !(k in keyProbes)), [], 'documented keys without a probe');
    assert.deepEqual(Object.keys(keyProbes).filter((k) => !keys.includes(k)), [], 'probes of keys the README no longer documents');
    const flags = documentedFlags(readme);
    assert.deepEqual(flags.filter((f) => !(f in FLAG_PROBES)), [], 'documented flags without a probe');
    assert.deepEqual(Object.keys(FLAG_PROBES).filter((f) => !flags.includes(f)), [], 'probes of flags the README no longer documents');
  });

  test('the README parser finds keys and flags (a changed table layout cannot empty the check)', () => {
    assert.ok(documentedKeys(readme).length >= 40);
    assert.ok(documentedFlags(readme).includes('campaign start --wait'));
    assert.deepEqual(documentedKeys('## Configuration\n\n| variable | default |\n|---|---|\n| `A_B`, `C` | x |\n'), ['A_B', 'C']);
    assert.deepEqual(documentedFlags('## Commands\n\n| command | what |\n|---|---|\n| `globallm x y [--a] [--b-c N]`, `globallm z [--json]` | d |\n'), ['x y --a', 'x y --b-c', 'z --json']);
  });

  describe('each probe sees its setting change behaviour', () => {
    let ctx: ProbeContext;
    before(async () => { ctx = await probeContext(); });
    after(async () => { await ctx.close(); });
    for (const [key, probe] of Object.entries(keyProbes)) test(key, () => probe(ctx));
    for (const [flag, probe] of Object.entries(FLAG_PROBES)) test(`globallm ${flag}`, () => probe(ctx));
  });
});
