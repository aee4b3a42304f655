// Probes of the discovery schedule's options: the `schedule discovery` flags and
// GLOBALLM_DISCOVERY_SCHEDULE, each seen in the options the schedule then holds (the scheduled run
// turns them into its campaign: test/temporal/scheduled-discovery.test.ts). The schedules live in
// a namespace of their own: schedule IDs are global on the suite's Temporal server.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Long from 'long';
import type { ProbeContext } from './context.js';
import type { Probe } from './env-probes.js';

let namespace: Promise<string> | undefined;

/** A fresh namespace set up by `globallm setup` (search attributes, schedules), once for every probe. */
function scheduleNamespace(ctx: ProbeContext): Promise<string> {
  namespace ??= (async () => {
    const ns = `probe-schedule-${randomBytes(4).toString('hex')}`;
    await ctx.temporal.workflowService.registerNamespace({ namespace: ns, workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(24 * 3600) } });
    for (let i = 0; i < 100 && !(await ctx.temporal.operatorService.listSearchAttributes({ namespace: ns }).then(() => true, () => false)); i++) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const r = await ctx.cli(['setup'], { TEMPORAL_NAMESPACE: ns });
    assert.equal(r.code, 0, r.stderr);
    return ns;
  })();
  return namespace;
}

/** The options the discovery schedule holds after `schedule discovery …flags` (`key=value` lines after its ID). */
async function scheduleOptions(ctx: ProbeContext, flags: string[], env: NodeJS.ProcessEnv = {}): Promise<Record<string, string>> {
  const ns = await scheduleNamespace(ctx);
  const r = await ctx.cli(['schedule', 'discovery', ...flags], { TEMPORAL_NAMESPACE: ns, ...env });
  assert.equal(r.code, 0, r.stderr);
  return Object.fromEntries(r.stdout.trim().split('\n').slice(1).map((line) => {
    const at = line.indexOf('=');
    return [line.slice(0, at), line.slice(at + 1)];
  }));
}

/** The flag moves its option from what the schedule held to `value`. */
const option = (flags: string[], key: string, value: string): Probe => async (ctx) => {
  const before = await scheduleOptions(ctx, []);
  assert.notEqual(before[key], value, `${key} already held ${value}: the probe would prove nothing`);
  assert.equal((await scheduleOptions(ctx, flags))[key], value);
};

export const SCHEDULE_FLAG_PROBES: Record<string, Probe> = {
  'schedule discovery --forge': option(['--forge', 'local'], 'forge', 'local'),
  'schedule discovery --domain': option(['--domain', 'games'], 'domain', 'games'),
  'schedule discovery --language': option(['--language', 'python'], 'language', 'Python'),
  'schedule discovery --min-stars': option(['--min-stars', '5'], 'minStars', '5'),
  'schedule discovery --min-health': option(['--min-health', '0.4'], 'minHealth', '0.4'),
  'schedule discovery --max-repos': option(['--max-repos', '7'], 'maxRepos', '7'),
  'schedule discovery --fan-out': option(['--fan-out'], 'fanOut', 'true'),
  'schedule discovery --no-fan-out': option(['--no-fan-out'], 'fanOut', 'false'),
  'schedule discovery --max-issues': option(['--max-issues', '9'], 'maxIssues', '9'),
  'schedule discovery --analyzer': option(['--analyzer', 'llm'], 'analyzer', 'llm'),
  'schedule discovery --token-budget': option(['--token-budget', '4321'], 'tokenBudget', '4321'),
  'schedule discovery --usd-budget': option(['--usd-budget', '7.5'], 'usdBudget', '7.5'),
  'schedule discovery --dry-run': option(['--dry-run'], 'dryRun', 'true'),
  'schedule discovery --no-dry-run': option(['--no-dry-run'], 'dryRun', 'false'),
};

export const SCHEDULE_KEY_PROBES: Record<string, Probe> = {
  // `setup` (as `up`) writes the variable's options into the schedule.
  GLOBALLM_DISCOVERY_SCHEDULE: async (ctx) => {
    const ns = await scheduleNamespace(ctx);
    assert.notEqual((await scheduleOptions(ctx, []))['maxRepos'], '42');
    const r = await ctx.cli(['setup'], { TEMPORAL_NAMESPACE: ns, GLOBALLM_DISCOVERY_SCHEDULE: '{"maxRepos": 42}' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await scheduleOptions(ctx, []))['maxRepos'], '42');
  },
};
