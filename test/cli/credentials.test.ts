import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';

// Nothing listens here: a command that gets past its checks fails to connect (exit 1), not 2.
const NO_SERVER = { TEMPORAL_ADDRESS: '127.0.0.1:1', GLOBALLM_LOG_LEVEL: 'error' };
const NO_CREDENTIALS = { GITHUB_TOKEN: '', ANTHROPIC_API_KEY: '', ANTHROPIC_BASE_URL: '', OPENAI_API_KEY: '', OPENAI_BASE_URL: '', GLOBALLM_LLM_PROVIDER: '' };

test('campaign start --forge github without GITHUB_TOKEN names it and exits 2 before connecting', async () => {
  const r = await runCli(['campaign', 'start', '--forge', 'github', '--dry-run'], { ...NO_SERVER, ...NO_CREDENTIALS }, { timeoutMs: 30_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /campaign start --forge github needs GITHUB_TOKEN/);
  assert.equal(r.stdout, '', 'nothing started');
});

test('campaign start defaults to GitHub, so without a token it also says what is missing', async () => {
  const r = await runCli(['campaign', 'start'], { ...NO_SERVER, ...NO_CREDENTIALS }, { timeoutMs: 30_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /needs GITHUB_TOKEN.*or use --forge local/);
});

test('campaign start --analyzer llm without a model names the model settings and exits 2', async () => {
  const r = await runCli(['campaign', 'start', '--forge', 'local', '--analyzer', 'llm'], { ...NO_SERVER, ...NO_CREDENTIALS }, { timeoutMs: 30_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /needs a model: ANTHROPIC_API_KEY .*OPENAI_API_KEY/);
});

test('triage --analyzer llm without a model exits 2 naming the settings', async () => {
  const r = await runCli(['triage', '--input', '-', '--analyzer', 'llm'], { ...NO_SERVER, ...NO_CREDENTIALS }, { timeoutMs: 30_000, input: '{"title":"x","body":"y"}\n' });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /ANTHROPIC_API_KEY/);
});

test('with the credential present the check passes and the command goes on (here: to a server that is not there)', async () => {
  const r = await runCli(['campaign', 'start', '--forge', 'github'], { ...NO_SERVER, ...NO_CREDENTIALS, GITHUB_TOKEN: 'stand-in' }, { timeoutMs: 60_000 });
  assert.equal(r.code, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /GITHUB_TOKEN/);
});
