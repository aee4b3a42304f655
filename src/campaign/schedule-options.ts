import { z } from 'zod';
import { UsageError } from '../errors.js';
import { CampaignOptions } from './options.js';
import type { ScheduledDiscoveryOptionsData } from '../workflows/scheduled.js';

/**
 * What the discovery schedule runs: a campaign's options (without an id: each run gets its own),
 * with the schedule's defaults — GitHub overall, at least 1000 stars, up to 500 repositories, the
 * offline analyzer — and `fanOut` (default false: the issues are analyzed and ranked, and wait
 * for a campaign; true: the top `maxIssues` go on to their repository workflows to be fixed).
 */
export const ScheduledDiscoveryOptions = CampaignOptions.omit({ id: true, wait: true }).extend({
  minStars: z.coerce.number().int().min(0).default(1000),
  maxRepos: z.coerce.number().int().min(1).max(10_000).default(500),
  analyzer: z.enum(['offline', 'llm', 'auto']).default('offline'),
  fanOut: z.boolean().default(false),
}).strict();
export type ScheduledDiscoveryOptions = z.output<typeof ScheduledDiscoveryOptions>;

const describeIssues = (issues: z.core.$ZodIssue[]): string => issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');

/** Validates the schedule's options; a bad one is a UsageError naming it (exit 2), and nothing changes. */
export function parseScheduledDiscoveryOptions(options: unknown): ScheduledDiscoveryOptions {
  const parsed = ScheduledDiscoveryOptions.safeParse(options);
  if (!parsed.success) throw new UsageError(`invalid discovery schedule options: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** The options as the schedule's action carries them (absent values left out, not undefined). */
export function scheduledDiscoveryData(o: ScheduledDiscoveryOptions): ScheduledDiscoveryOptionsData {
  return {
    forge: o.forge, domain: o.domain, minStars: o.minStars, maxRepos: o.maxRepos, maxIssues: o.maxIssues,
    tokenBudget: o.tokenBudget, analyzer: o.analyzer, dryRun: o.dryRun, fanOut: o.fanOut,
    ...(o.language ? { language: o.language } : {}),
    ...(o.minHealth !== undefined ? { minHealth: o.minHealth } : {}),
    ...(o.usdBudget !== undefined ? { usdBudget: o.usdBudget } : {}),
  };
}
