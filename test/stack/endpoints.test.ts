import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { resolveEndpoints, writeStackFile } from '../../src/stack/endpoints.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
const stateDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'globallm-endpoints-'));
  dirs.push(d);
  return d;
};

test('a running headless stack has no Web UI to check; one with a UI is checked at its recorded address', () => {
  const headless = stateDir();
  writeStackFile(headless, { databaseUrl: 'postgres://u:p@127.0.0.1:5/x', temporalAddress: '127.0.0.1:6', pid: 1, children: {} });
  assert.equal(resolveEndpoints(loadConfig({ GLOBALLM_STATE_DIR: headless })).uiUrl, undefined);
  const withUi = stateDir();
  writeStackFile(withUi, { databaseUrl: 'postgres://u:p@127.0.0.1:5/x', temporalAddress: '127.0.0.1:6', uiUrl: 'http://127.0.0.1:7', pid: 1, children: {} });
  assert.equal(resolveEndpoints(loadConfig({ GLOBALLM_STATE_DIR: withUi })).uiUrl, 'http://127.0.0.1:7');
});

test('without a running stack: the default UI port, or none for an existing Temporal cluster, or TEMPORAL_UI_URL', () => {
  const empty = stateDir();
  assert.equal(resolveEndpoints(loadConfig({ GLOBALLM_STATE_DIR: empty, GLOBALLM_TEMPORAL_UI_PORT: '9001' })).uiUrl, 'http://127.0.0.1:9001');
  assert.equal(resolveEndpoints(loadConfig({ GLOBALLM_STATE_DIR: empty, TEMPORAL_ADDRESS: '127.0.0.1:7233' })).uiUrl, undefined);
  assert.equal(resolveEndpoints(loadConfig({ GLOBALLM_STATE_DIR: empty, TEMPORAL_UI_URL: 'http://ui.example:8080' })).uiUrl, 'http://ui.example:8080');
});
