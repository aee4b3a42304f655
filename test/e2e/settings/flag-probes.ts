// One probe per flag of the README's Commands table, each through the built CLI against the
// suite's PostgreSQL and Temporal and the probes' running worker (see context.ts).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGitHubStandIn } from '../../../src/sim/github/server.js';
import { flagsToOptions } from '../../../src/cli/commands/campaign.js';
import { parseCampaignOptions } from '../../../src/campaign/options.js';
import type { ProbeContext } from './context.js';
import type { Probe } from './env-probes.js';

type Json = Record<string, unknown>;

function json(text: string): Json {
  return JSON.parse(text) as Json;
}

/** The command prints people's text without the flag and one JSON document (with its schemaVersion) with it. */
async function jsonFlag(ctx: ProbeContext, args: string[], env: NodeJS.ProcessEnv = {}, input = ''): Promise<void> {
  const plain = (await ctx.cli(args, env, input)).stdout;
  const doc = (await ctx.cli([...args, '--json'], env, input)).stdout;
  assert.throws(() => JSON.parse(plain), `${args.join(' ')} printed JSON without --json`);
  // One document, or one per input line (triage).
  let parsed: Json;
  try { parsed = json(doc); } catch { parsed = json(doc.split('\n')[0] ?? ''); }
  assert.equal(parsed['schemaVersion'], 1, `${args.join(' ')} --json: ${doc.slice(0, 200)}`);
}

/** Runs `campaign start` with `flags` (on the local forge, offline analysis, waiting), returning its final progress. */
async function campaign(ctx: ProbeContext, flags: string[]): Promise<Json> {
  const id = `probe-${ctx.seq()}`;
  const r = await ctx.cli(['campaign', 'start', '--id', id, '--forge', 'local', '--analyzer', 'offline', '--wait', '--json', ...flags]);
  assert.equal(r.code, 0, r.stderr);
  return { ...json(r.stdout), id };
}

async function discover(ctx: ProbeContext, flags: string[]): Promise<Json> {
  const r = await ctx.cli(['discover', '--forge', 'local', '--root', ctx.forge, '--domain', 'overall', '--min-stars', '0', '--json', ...flags]);
  assert.equal(r.code, 0, r.stderr);
  return json(r.stdout);
}

const approved = (d: Json): number => Number(d['approved']);

/** The repositories a GitHub campaign with these flags works on: its discovery activity as a worker builds it. */
async function githubCampaignRepos(ctx: ProbeContext, acts: ReturnType<ProbeContext['activities']>['acts'], run: ReturnType<ProbeContext['activities']>['run'], flags: { domain: string; minStars: string }): Promise<string[]> {
  const options = parseCampaignOptions({ ...flagsToOptions({ ...flags, forge: 'github', maxRepos: '5' }), id: `probe-${ctx.seq()}` });
  const { forge, minStars, maxRepos, maxIssues, tokenBudget, analyzer, dryRun } = options;
  const data = { id: options.id ?? 'probe', forge, domain: options.domain, minStars, maxRepos, maxIssues, tokenBudget, analyzer, dryRun };
  return (await run(() => acts.campaignDiscover(data))).repos.map((r) => `${r.owner}/${r.repo}`);
}


/** A tiny repository for `validate`, a fix and the test that proves it. */
function validateFiles(ctx: ProbeContext): { repo: string; patch: string; testPatch: string } {
  const repo = join(ctx.forge, 'slugkit');
  const patch = join(ctx.dir, 'fix.patch');
  const testPatch = join(ctx.dir, 'test.patch');
  writeFileSync(patch, [
    'diff --git a/src/slug.js b/src/slug.js', '--- a/src/slug.js', '+++ b/src/slug.js', '@@ -3,4 +3,4 @@',
    ' /** Lower-cases a title and joins its words with dashes. */', ' function slugify(title) {',
    "-  return String(title).trim().toLowerCase().replace(/[^a-z0-9]/g, '-');",
    "+  return String(title).trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');", ' }', '',
  ].join('\n'));
  writeFileSync(testPatch, [
    'diff --git a/test/collapse.test.js b/test/collapse.test.js', 'new file mode 100644', '--- /dev/null', '+++ b/test/collapse.test.js', '@@ -0,0 +1,5 @@',
    "+'use strict';", "+const { test } = require('node:test');", "+const assert = require('node:assert/strict');", "+const { slugify } = require('../src/slug.js');",
    "+test('collapses', () => { assert.equal(slugify('Hello,  World!'), 'hello-world'); });", '',
  ].join('\n'));
  return { repo, patch, testPatch };
}

async function verdict(ctx: ProbeContext, args: string[]): Promise<Json> {
  const r = await ctx.cli(['validate', ...args, '--json']);
  return r.stdout.startsWith('{') ? json(r.stdout) : { error: r.stderr.slice(0, 300), code: r.code };
}

export const FLAG_PROBES: Record<string, Probe> = {
  'up --demo': async (ctx) => {
    const r = await ctx.cli(['up', '--demo'], { ANTHROPIC_API_KEY: 'sk-real', GLOBALLM_STATE_DIR: join(ctx.dir, 'up-demo') });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ANTHROPIC_API_KEY/);
  },
  'up --no-example': async (ctx) => {
    const r = await ctx.cli(['up', '--demo', '--no-example'], { GLOBALLM_STATE_DIR: join(ctx.dir, 'up-no-example') });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--no-example/);
  },
  'up --headless': async (ctx) => {
    const help = (await ctx.cli(['up', '--help'])).stdout;
    assert.match(help, /--headless\s+no Temporal Web UI/);
  },
  'status --json': (ctx) => jsonFlag(ctx, ['status']),
  'doctor --json': (ctx) => jsonFlag(ctx, ['doctor']),
  'discover --forge': async (ctx) => {
    assert.equal(approved(await discover(ctx, [])), 2);
    const r = await ctx.cli(['discover', '--root', ctx.forge, '--domain', 'overall', '--min-stars', '0', '--json']);
    assert.notEqual(r.code, 0, 'the default forge (github) is not the local one');
  },
  'discover --domain': async (ctx) => assert.notEqual(approved(await discover(ctx, ['--domain', 'games'])), 2),
  'discover --language': async (ctx) => assert.equal(approved(await discover(ctx, ['--language', 'python'])), 0),
  // The local forge has no stars: the flag filters GitHub's search (here the GitHub stand-in's world).
  'discover --min-stars': async (ctx) => {
    const gh = await startGitHubStandIn();
    try {
      const matched = async (stars: string): Promise<number> => {
        const r = await ctx.cli(['discover', '--forge', 'github', '--domain', 'overall', '--max', '5', '--min-stars', stars, '--json'], { GITHUB_API_URL: gh.url, GITHUB_TOKEN: 'stand-in' });
        return Number(json(r.stdout)['matched']);
      };
      assert.ok(await matched('0') > await matched('100000'));
    } finally {
      await gh.close();
    }
  },
  'discover --max': async (ctx) => assert.equal(approved(await discover(ctx, ['--max', '1'])), 1),
  'discover --json': (ctx) => jsonFlag(ctx, ['discover', '--forge', 'local', '--root', ctx.forge, '--domain', 'overall', '--min-stars', '0']),
  'score --forge': async (ctx) => {
    assert.equal((await ctx.cli(['score', '--forge', 'local', '--repo', join(ctx.forge, 'slugkit')])).code, 0);
    assert.notEqual((await ctx.cli(['score', '--repo', join(ctx.forge, 'slugkit')])).code, 0);
  },
  'score --repo': async (ctx) => {
    const one = json((await ctx.cli(['score', '--forge', 'local', '--repo', join(ctx.forge, 'bytefmt'), '--json'])).stdout);
    assert.match(JSON.stringify(one), /bytefmt/);
    assert.doesNotMatch(JSON.stringify(one), /slugkit/);
  },
  'score --json': (ctx) => jsonFlag(ctx, ['score', '--forge', 'local', '--repo', join(ctx.forge, 'slugkit')]),
  'repos list|show --json': (ctx) => jsonFlag(ctx, ['repos', 'list']),
  'triage --input': async (ctx) => {
    const file = join(ctx.dir, 'issues.jsonl');
    writeFileSync(file, '{"title":"Typo in README","body":"teh"}\n');
    const fromFile = (await ctx.cli(['triage', '--input', file])).stdout;
    const fromStdin = (await ctx.cli(['triage', '--input', '-'], {}, '{"title":"crash on start","body":"TypeError"}\n')).stdout;
    assert.match(fromFile, /"Typo in README"/);
    assert.doesNotMatch(fromFile, /crash on start/);
    assert.match(fromStdin, /"crash on start"/);
  },
  'triage --analyzer': async (ctx) => {
    const line = '{"title":"crash on start","body":"TypeError"}\n';
    assert.match((await ctx.cli(['triage', '--input', '-', '--json', '--analyzer', 'offline'], {}, line)).stdout, /"analyzer":"offline"/);
    const llm = await ctx.cli(['triage', '--input', '-', '--json', '--analyzer', 'llm'], {}, line);
    assert.equal(llm.code, 2, 'no model configured for the CLI: --analyzer llm is refused');
  },
  'triage --json': (ctx) => jsonFlag(ctx, ['triage', '--input', '-'], {}, '{"title":"crash on start","body":"TypeError"}\n'),
  // First of the campaigns, while both example bugs are still open: previews, and nothing written to git.
  'campaign start --dry-run': async (ctx) => {
    const p = await campaign(ctx, ['--dry-run']);
    assert.ok(Number((p['outcomes'] as Json)['dry_run'] ?? 0) > 0, JSON.stringify(p));
    for (const lib of ['slugkit', 'bytefmt']) {
      assert.equal(readFileSync(join(ctx.forge, lib, '.git', 'HEAD'), 'utf8').trim(), 'ref: refs/heads/main');
      assert.ok(!existsSync(join(ctx.forge, lib, '.git', 'refs', 'heads', 'globallm')), `a branch was written in ${lib}`);
    }
  },
  'issues list --repo': async (ctx) => {
    await campaign(ctx, []);
    const all = json((await ctx.cli(['issues', 'list', '--json'])).stdout)['issues'] as Json[];
    const one = json((await ctx.cli(['issues', 'list', '--repo', 'local/bytefmt', '--json'])).stdout)['issues'] as Json[];
    assert.ok(one.length > 0 && one.length < all.length);
  },
  'issues list --explain': async (ctx) => {
    const plain = (await ctx.cli(['issues', 'list'])).stdout;
    const explained = (await ctx.cli(['issues', 'list', '--explain'])).stdout;
    assert.doesNotMatch(plain, /solvability/);
    assert.match(explained, /solvability/);
  },
  'issues list --json': (ctx) => jsonFlag(ctx, ['issues', 'list']),
  'budget show --json': (ctx) => jsonFlag(ctx, ['budget', 'show']),
  'validate --repo': async (ctx) => {
    const f = validateFiles(ctx);
    assert.equal((await verdict(ctx, ['--repo', f.repo, '--patch', f.patch, '--test-patch', f.testPatch]))['verdict'], 'pass');
    assert.notEqual((await verdict(ctx, ['--repo', join(ctx.dir, 'nowhere'), '--patch', f.patch]))['verdict'], 'pass');
  },
  'validate --patch': async (ctx) => {
    const f = validateFiles(ctx);
    const empty = join(ctx.dir, 'empty.patch');
    writeFileSync(empty, '');
    assert.notEqual((await verdict(ctx, ['--repo', f.repo, '--patch', empty, '--test-patch', f.testPatch]))['verdict'], 'pass');
  },
  'validate --test-patch': async (ctx) => {
    const f = validateFiles(ctx);
    assert.equal((await verdict(ctx, ['--repo', f.repo, '--patch', f.patch]))['verdict'], 'unproven');
  },
  'validate --test-cmd': async (ctx) => {
    const f = validateFiles(ctx);
    assert.notEqual((await verdict(ctx, ['--repo', f.repo, '--patch', f.patch, '--test-patch', f.testPatch, '--test-cmd', 'node -e process.exit(3)']))['verdict'], 'pass');
  },
  'validate --timeout': async (ctx) => {
    const f = validateFiles(ctx);
    const v = await verdict(ctx, ['--repo', f.repo, '--patch', f.patch, '--test-patch', f.testPatch, '--test-cmd', 'node -e setTimeout(()=>{},60000)', '--timeout', '2']);
    assert.match(JSON.stringify(v), /time/i);
  },
  'validate --json': async (ctx) => {
    const f = validateFiles(ctx);
    const plain = await ctx.cli(['validate', '--repo', f.repo, '--patch', f.patch, '--test-patch', f.testPatch]);
    assert.throws(() => JSON.parse(plain.stdout));
    assert.equal((await verdict(ctx, ['--repo', f.repo, '--patch', f.patch, '--test-patch', f.testPatch]))['verdict'], 'pass');
  },
  'campaign start --forge': async (ctx) => {
    const r = await ctx.cli(['campaign', 'start', '--analyzer', 'offline']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /GITHUB_TOKEN/);
    assert.equal((await campaign(ctx, []))['phase'], 'done');
  },
  'campaign start --analyzer': async (ctx) => {
    const r = await ctx.cli(['campaign', 'start', '--forge', 'local', '--analyzer', 'llm']);
    assert.equal(r.code, 2, 'no model configured for the CLI: --analyzer llm is refused');
    assert.equal((await campaign(ctx, ['--max-issues', '1']))['analyzer'], 'offline');
  },
  // The local forge's repositories carry no topics: the domain shapes GitHub's search, so this is the
  // campaign's discovery activity as a worker builds it, against the GitHub stand-in's world.
  'campaign start --domain': async (ctx) => {
    const gh = await startGitHubStandIn();
    try {
      const { acts, run } = ctx.activities({ GITHUB_API_URL: gh.url, GITHUB_TOKEN: 'stand-in' });
      const found = (domain: string): Promise<string[]> => githubCampaignRepos(ctx, acts, run, { domain, minStars: '0' });
      assert.notDeepEqual(await found('games'), await found('overall'));
    } finally {
      await gh.close();
    }
  },
  // Stars exist on GitHub only: the same discovery with a higher minimum works on fewer repositories.
  'campaign start --min-stars': async (ctx) => {
    const gh = await startGitHubStandIn();
    try {
      const { acts, run } = ctx.activities({ GITHUB_API_URL: gh.url, GITHUB_TOKEN: 'stand-in' });
      const all = await githubCampaignRepos(ctx, acts, run, { domain: 'overall', minStars: '0' });
      const starred = await githubCampaignRepos(ctx, acts, run, { domain: 'overall', minStars: '1000' });
      assert.ok(all.length > starred.length, `${all.length} repositories with any stars, ${starred.length} with 1,000 or more`);
      assert.ok(starred.every((r) => all.includes(r)));
    } finally {
      await gh.close();
    }
  },
  'campaign start --language': async (ctx) => assert.equal((await campaign(ctx, ['--language', 'python']))['repos'], 0),
  'campaign start --min-health': async (ctx) => assert.equal((await campaign(ctx, ['--min-health', '0.99']))['repos'], 0),
  'campaign start --max-repos': async (ctx) => assert.equal((await campaign(ctx, ['--max-repos', '1']))['repos'], 1),
  'campaign start --max-issues': async (ctx) => assert.equal((await campaign(ctx, ['--max-issues', '1']))['enqueued'], 1),
  // Both example libraries have issues: by default the campaign works on both at once; with a window of one, never.
  'campaign start --in-flight': async (ctx) => {
    const one = await campaign(ctx, ['--in-flight', '1']);
    assert.ok(Number(one['enqueued']) >= 2, `${String(one['enqueued'])} issues selected`);
    assert.equal(one['finished'], one['enqueued']);
    assert.equal(one['peakInFlight'], 1);
    assert.equal((await campaign(ctx, []))['peakInFlight'], 2);
  },
  'campaign start --token-budget': async (ctx) => {
    const { id } = await campaign(ctx, ['--token-budget', '4321', '--max-issues', '1']);
    assert.match((await ctx.cli(['budget', 'show'])).stdout, new RegExp(`${String(id)}.*4,?321`));
  },
  'campaign start --usd-budget': async (ctx) => {
    const { id } = await campaign(ctx, ['--usd-budget', '7.5', '--max-issues', '1']);
    assert.match((await ctx.cli(['budget', 'show'])).stdout, new RegExp(`${String(id)}[\\s\\S]*7\\.50`));
  },
  'campaign start --wait': async (ctx) => {
    const r = await ctx.cli(['campaign', 'start', '--id', `probe-${ctx.seq()}`, '--forge', 'local', '--analyzer', 'offline', '--json']);
    const started = json(r.stdout);
    assert.ok(started['workflowId'] && !('phase' in started));
    assert.equal((await campaign(ctx, []))['phase'], 'done');
  },
  'repo pause|resume --reason': async (ctx) => {
    await ctx.cli(['repo', 'pause', 'local/bytefmt', '--reason', 'release freeze']);
    assert.match((await ctx.cli(['repo', 'status', 'local/bytefmt'])).stdout, /release freeze/);
    await ctx.cli(['repo', 'resume', 'local/bytefmt']);
  },
  'repo status --json': (ctx) => jsonFlag(ctx, ['repo', 'status', 'local/slugkit']),
  'prs list --json': (ctx) => jsonFlag(ctx, ['prs', 'list']),
  'prs close --forge': async (ctx) => {
    const recorded = await ctx.cli(['prs', 'close', 'local/slugkit#1']);
    assert.match(recorded.stderr, /no open pull request recorded for local\/slugkit#1/);
    const bad = await ctx.cli(['prs', 'close', 'local/slugkit#1', '--forge', 'gitlab']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /gitlab/);
  },
  'report --out': async (ctx) => {
    const out = join(ctx.dir, 'report-out');
    mkdirSync(out, { recursive: true });
    assert.equal((await ctx.cli(['report', '--out', out])).code, 0);
    assert.ok(existsSync(join(out, 'index.html')));
  },
  'report --campaign': async (ctx) => {
    const out = join(ctx.dir, 'report-campaign');
    await ctx.cli(['report', '--out', out, '--campaign', 'no-such-campaign']);
    assert.match(readFileSync(join(out, 'index.html'), 'utf8'), /no-such-campaign/);
  },
};
