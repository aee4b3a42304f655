import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGitHubStandIn } from '../../../src/sim/github/server.js';
import { tokenOf } from '../../../src/sim/github/limits.js';

const get = (url: string, token?: string): Promise<Response> => fetch(`${url}/repos/pyfoundry/quickparse`, token ? { headers: { authorization: `token ${token}` } } : {});

describe('GitHub stand-in: limits per token, on a scaled hour', () => {
  test('each token has its own core quota; a spent token does not spend another', async () => {
    const gh = await startGitHubStandIn({ limits: { core: 2 } });
    try {
      for (let i = 0; i < 2; i++) assert.equal((await get(gh.url, 'tok-a')).status, 200);
      const refused = await get(gh.url, 'tok-a');
      assert.equal(refused.status, 403);
      assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
      const other = await get(gh.url, 'tok-b');
      assert.equal(other.status, 200);
      assert.equal(other.headers.get('x-ratelimit-remaining'), '1');
      assert.equal((await get(gh.url)).status, 200, 'anonymous requests have their own quota too');
      assert.equal(gh.limiterFor('tok-a').view('core').used, 2);
      assert.equal(gh.limiterFor('tok-b').view('core').used, 1);
      assert.equal(gh.counters.primary_refused, 1);
    } finally {
      await gh.close();
    }
  });

  test('with hourMs, the core window and x-ratelimit-reset follow the scaled hour', async () => {
    const gh = await startGitHubStandIn({ limits: { core: 1 }, hourMs: 60_000 });
    try {
      const t0 = gh.clock.now();
      const first = await get(gh.url, 'tok');
      const reset = Number(first.headers.get('x-ratelimit-reset')) * 1000;
      assert.ok(reset >= t0 + 59_000 && reset <= t0 + 61_000, `reset ${reset - t0} ms ahead, not an hour`);
      assert.equal((await get(gh.url, 'tok')).status, 403);
      gh.clock.advance(reset - gh.clock.now());
      const again = await get(gh.url, 'tok');
      assert.equal(again.status, 200, 'the quota is renewed once the reported reset has passed');
    } finally {
      await gh.close();
    }
  });

  test('with hourMs, search and content "minutes" are a sixtieth of the scaled hour', async () => {
    const gh = await startGitHubStandIn({ limits: { search: 1, contentPerMinute: 1 }, hourMs: 60_000 });
    try {
      const search = (): Promise<Response> => fetch(`${gh.url}/search/repositories?q=parser`, { headers: { authorization: 'token tok' } });
      const comment = (): Promise<Response> => fetch(`${gh.url}/repos/pyfoundry/quickparse/issues/2/comments`, { method: 'POST', headers: { authorization: 'token tok' }, body: JSON.stringify({ body: 'x' }) });
      assert.equal((await search()).status, 200);
      assert.equal((await search()).status, 403);
      assert.equal((await comment()).status, 201);
      assert.equal((await comment()).status, 403);
      gh.clock.advance(1_001);
      assert.equal((await search()).status, 200);
      assert.equal((await comment()).status, 201);
      assert.equal(gh.counters.content_refused, 1);
    } finally {
      await gh.close();
    }
  });

  test('tokens are read from "token X" and "Bearer X" headers only', () => {
    assert.equal(tokenOf('token abc'), 'abc');
    assert.equal(tokenOf('Bearer abc'), 'abc');
    assert.equal(tokenOf(undefined), undefined);
    assert.equal(tokenOf('Basic'), undefined);
    assert.equal(tokenOf('token a b'), undefined);
  });

  test('an hour shorter than 6 s, longer than an hour, or not a whole number of ms is refused', async () => {
    for (const hourMs of [0, -1, 5_999, 3_600_001, 1.5]) await assert.rejects(startGitHubStandIn({ hourMs }), `hourMs ${hourMs}`);
  });
});
