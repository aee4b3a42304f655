import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import { allGitHubTokens } from '../../src/config/github-tokens.js';
import { UsageError } from '../../src/errors.js';
import { secretValues } from '../../src/activities/index.js';
import { runCli } from '../helpers/cli.js';

const refused = (why: RegExp, secrets: string[]) => (err: unknown): boolean => {
  assert.ok(err instanceof UsageError, String(err));
  assert.match(err.message, /GITHUB_TOKENS/);
  assert.match(err.message, why);
  for (const s of secrets) assert.ok(!err.message.includes(s), `the message holds a token: ${err.message}`);
  return true;
};

test('GITHUB_TOKEN is the identity and GITHUB_TOKENS adds tokens; without GITHUB_TOKEN the first listed is the identity', () => {
  assert.deepEqual(loadConfig({}).githubTokens, { identity: undefined, extra: [] });
  assert.deepEqual(loadConfig({ GITHUB_TOKEN: 'tok-a' }).githubTokens, { identity: 'tok-a', extra: [] });
  assert.deepEqual(loadConfig({ GITHUB_TOKEN: 'tok-a', GITHUB_TOKENS: 'tok-b, tok-c' }).githubTokens, { identity: 'tok-a', extra: ['tok-b', 'tok-c'] });
  const listed = loadConfig({ GITHUB_TOKENS: 'tok-b,tok-c' }).githubTokens;
  assert.deepEqual(listed, { identity: 'tok-b', extra: ['tok-c'] });
  assert.deepEqual(allGitHubTokens(listed), ['tok-b', 'tok-c']);
  assert.deepEqual(loadConfig({ GITHUB_TOKENS: 'tok-b' }).githubTokens, { identity: 'tok-b', extra: [] });
});

test('every token is a secret kept out of what the deployment publishes', () => {
  const secrets = secretValues(loadConfig({ GITHUB_TOKEN: 'tok-a', GITHUB_TOKENS: 'tok-b,tok-c' }));
  for (const t of ['tok-a', 'tok-b', 'tok-c']) assert.ok(secrets.includes(t), t);
});

test('a malformed GITHUB_TOKENS is refused, naming the entry and never the token', () => {
  const cases: Array<[string, RegExp]> = [
    ['tok-a,,tok-b', /entry 2 is empty/],
    ['tok-a,', /entry 2 is empty/],
    [',tok-a', /entry 1 is empty/],
    [' , ', /entry 1 is empty/],
    ['tok-a,tok a', /entry 2 is not a token/],
    ['tok-a;tok-b', /entry 1 is not a token/],
    ['tok-a,tok-b,tok-a', /entries 1 and 3 are the same token/],
    ['tok-a, tok-a', /entries 1 and 2 are the same token/],
  ];
  for (const [value, why] of cases) assert.throws(() => loadConfig({ GITHUB_TOKENS: value }), refused(why, ['tok-a', 'tok-b']), value);
});

test('a GITHUB_TOKENS entry that repeats GITHUB_TOKEN is refused', () => {
  assert.throws(() => loadConfig({ GITHUB_TOKEN: 'tok-a', GITHUB_TOKENS: 'tok-b,tok-a' }), refused(/entry 2 is the same token as GITHUB_TOKEN/, ['tok-a', 'tok-b']));
});

test('the CLI refuses a bad GITHUB_TOKENS at start with exit 2, without printing a token', async () => {
  const r = await runCli(['status'], { GITHUB_TOKEN: 'ghp_secretAAA', GITHUB_TOKENS: 'ghp_secretBBB,ghp_secretAAA', TEMPORAL_ADDRESS: '127.0.0.1:1' }, { timeoutMs: 30_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /GITHUB_TOKENS: entry 2 is the same token as GITHUB_TOKEN/);
  assert.ok(!`${r.stdout}${r.stderr}`.includes('ghp_secret'), 'no token printed');
  const dup = await runCli(['status'], { GITHUB_TOKENS: 'ghp_secretCCC,,ghp_secretCCC', TEMPORAL_ADDRESS: '127.0.0.1:1' }, { timeoutMs: 30_000 });
  assert.equal(dup.code, 2, dup.stderr);
  assert.match(dup.stderr, /entry 2 is empty.*entries 1 and 3 are the same token/);
  assert.ok(!`${dup.stdout}${dup.stderr}`.includes('ghp_secret'), 'no token printed');
});
