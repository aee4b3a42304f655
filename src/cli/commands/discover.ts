import path from 'node:path';
import type { Pool } from 'pg';
import { z } from 'zod';
import { cliContext } from '../context.js';
import { printJson, printTable } from '../output.js';
import { progressBar, type Progress } from '../progress.js';
import { openPool } from '../../db/pool.js';
import { parseDiscoveryQuery } from '../../discovery/domains.js';
import { describeFunnel } from '../../discovery/funnel.js';
import { runDiscovery, type DiscoverySummary } from '../../discovery/run.js';
import { UsageError } from '../../errors.js';
import { createForgeReader, parseForgeKind } from '../../forge/registry.js';
import type { ForgeReader } from '../../forge/types.js';

/** Shared by discover, score and repos: the database pool and the chosen forge reader. */
export interface ForgeCommandDeps {
  pool: Pool;
  forge: ForgeReader;
}

export async function openForgeDeps(opts: { forge?: string; root?: string }): Promise<ForgeCommandDeps & { close: () => Promise<void> }> {
  const kind = parseForgeKind(opts.forge ?? 'github');
  const { config, endpoints } = cliContext();
  const pool = await openPool(endpoints.databaseUrl);
  const forge = createForgeReader({
    kind, githubApiUrl: config.GITHUB_API_URL, githubToken: config.githubTokens.identity, githubExtraTokens: config.githubTokens.extra, pool,
    ...(opts.root !== undefined ? { localRoot: path.resolve(opts.root) } : {}),
  });
  return { pool, forge, close: () => pool.end() };
}

/** A whole positive number from a flag, or a UsageError naming the flag. */
export function intFlag(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const parsed = z.coerce.number().int().min(min).safeParse(value);
  if (!parsed.success) throw new UsageError(`${name} must be a whole number ≥ ${min}, got "${value}"`);
  return parsed.data;
}

export function numberFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name} must be a number within ${min}–${max}, got "${value}"`);
  return n;
}

export interface DiscoverFlags {
  domain?: string;
  language?: string;
  minStars?: string;
  pushedWithin?: string;
  max?: string;
  minHealth?: string;
  forge?: string;
  root?: string;
  json?: boolean;
}

/** The discover command without the process around it: validates flags, runs, returns the summary. */
export async function discoverHandler(deps: ForgeCommandDeps & { now?: Date; progress?: Progress }, flags: DiscoverFlags): Promise<DiscoverySummary> {
  if (flags.domain === undefined) throw new UsageError('missing --domain (see --help for the list)');
  const minStars = intFlag('--min-stars', flags.minStars);
  const pushedWithinDays = intFlag('--pushed-within', flags.pushedWithin, 1);
  const query = parseDiscoveryQuery({
    domain: flags.domain,
    ...(flags.language !== undefined ? { language: flags.language } : {}),
    ...(minStars !== undefined ? { minStars } : {}),
    ...(pushedWithinDays !== undefined ? { pushedWithinDays } : {}),
  });
  const max = intFlag('--max', flags.max, 1) ?? 100;
  const minHealth = numberFlag('--min-health', flags.minHealth, 0, 1);
  try {
    return await runDiscovery(deps, {
      query, max, now: deps.now ?? new Date(),
      ...(minHealth !== undefined ? { filters: { minHealth } } : {}),
      onProgress: ({ done, total }) => deps.progress?.update(done, total),
    });
  } finally {
    deps.progress?.stop();
  }
}

export async function discoverAction(flags: DiscoverFlags): Promise<void> {
  const deps = await openForgeDeps(flags);
  try {
    const summary = await discoverHandler({ ...deps, progress: progressBar('discover') }, flags);
    if (flags.json) printJson(summary);
    else {
      printTable([{ matched: summary.matched, analyzed: summary.analyzed, approved: summary.approved, rejected: summary.rejected, gone: summary.gone, graph_nodes: summary.graph.graphNodes }]);
      process.stdout.write(`${summary.approved === 0 ? 'nothing approved: ' : ''}${describeFunnel(summary)}\n`);
    }
  } finally {
    await deps.close();
  }
}
