import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverHandler } from '../../src/cli/commands/discover.js';
import type { DiscoverySummary } from '../../src/discovery/run.js';
import { createForgeReader } from '../../src/forge/registry.js';
import { Clock } from '../../src/sim/github/clock.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../src/sim/github/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const DAY_MS = 86_400_000;

interface Run { summary: DiscoverySummary; approved: string[] }

/** The documented offline discovery (`discover --forge github --domain overall`) with every clock at `nowMs`. */
async function discoverAt(nowMs: number): Promise<Run> {
  const db: TestDatabase = await createTestDatabase();
  const gh: GitHubStandIn = await startGitHubStandIn({ clock: Clock.startingAt(nowMs) });
  try {
    const forge = createForgeReader({ kind: 'github', githubApiUrl: gh.url, githubToken: 'stand-in', pool: db.pool });
    const summary = await discoverHandler({ pool: db.pool, forge, now: new Date(nowMs) }, { domain: 'overall' });
    const rows = await db.pool.query<{ repo: string }>(`SELECT owner || '/' || name AS repo FROM repositories WHERE status = 'approved' ORDER BY 1`);
    return { summary, approved: rows.rows.map((r) => r.repo) };
  } finally {
    await gh.close();
    await db.drop();
  }
}

describe('the stand-in world does not age', () => {
  let today: Run;
  let nextYear: Run;
  before(async () => {
    const now = Date.now();
    today = await discoverAt(now);
    nextYear = await discoverAt(now + 365 * DAY_MS);
  });

  test('discovery on today’s clock finds and approves the seeded libraries', () => {
    assert.ok(today.summary.matched > 0, `matched ${today.summary.matched}`);
    assert.ok(today.approved.includes('pyfoundry/quickparse'), today.approved.join(', '));
    assert.ok(today.approved.includes('tsworks/typed-fetch'), today.approved.join(', '));
  });

  test('with the clock a year ahead the same discovery gives the same result', () => {
    const counts = (r: Run): unknown => ({ matched: r.summary.matched, analyzed: r.summary.analyzed, approved: r.summary.approved, rejected: r.summary.rejected, gone: r.summary.gone });
    assert.deepEqual(counts(nextYear), counts(today));
    assert.deepEqual(nextYear.approved, today.approved);
  });
});
