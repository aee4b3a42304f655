import { activityInfo, heartbeat } from '@temporalio/activity';
import type { Pool } from 'pg';
import { z } from 'zod';
import { analyzeBatch, refreshImpact, type BatchSummary, addSummary, emptySummary } from '../discovery/analyze.js';
import { parseDiscoveryQuery } from '../discovery/domains.js';
import { runDiscovery, type DiscoverySummary } from '../discovery/run.js';
import type { ForgeReader } from '../forge/types.js';
import { RepoRefSchema } from '../forge/types.js';
import { classified } from './errors.js';

export const Checkpoint = z.object({ cursor: z.number().int().nonnegative(), done: z.number().int().nonnegative() });
export type Checkpoint = z.infer<typeof Checkpoint>;

/** The last heartbeat of a previous attempt, when it is a checkpoint. */
export function lastCheckpoint(): Checkpoint | undefined {
  const parsed = Checkpoint.safeParse(activityInfo().heartbeatDetails);
  return parsed.success ? parsed.data : undefined;
}

export interface DiscoverInput {
  domain: string;
  language?: string;
  minStars?: number;
  pushedWithinDays?: number;
  max: number;
  minHealth?: number;
  /** ISO instant for scoring; default the activity's start. */
  now?: string;
}

export interface AnalyzeBatchInput {
  refs: Array<{ owner: string; name: string }>;
  now?: string;
}

/** Refs per analyze checkpoint: a crash loses at most this many repositories of work. */
export const ANALYZE_CHUNK = 25;

export function createDiscoveryActivities(deps: { pool: Pool; forge: ForgeReader; clock?: () => Date }) {
  const clock = deps.clock ?? (() => new Date());
  return {
    /** Discover and analyze; heartbeats `{ cursor, done }` and resumes from the last one. */
    discover: async (input: DiscoverInput): Promise<DiscoverySummary> => {
      return classified(async () => {
        const query = parseDiscoveryQuery({ domain: input.domain, language: input.language, minStars: input.minStars, pushedWithinDays: input.pushedWithinDays });
        const from = lastCheckpoint();
        return runDiscovery(deps, {
          query, max: input.max, now: input.now ? new Date(input.now) : clock(),
          ...(input.minHealth !== undefined ? { filters: { minHealth: input.minHealth } } : {}),
          ...(from ? { from } : {}),
          onProgress: ({ cursor, done }) => heartbeat({ cursor, done }),
        });
      });
    },

    /** Re-analyze given repositories in chunks; heartbeats after each chunk and resumes after the last. */
    analyzeBatch: async (input: AnalyzeBatchInput): Promise<BatchSummary> => {
      return classified(async () => {
        const refs = z.array(RepoRefSchema).max(100_000).parse(input.refs);
        const now = input.now ? new Date(input.now) : clock();
        const from = lastCheckpoint();
        let summary = emptySummary();
        let done = from?.done ?? 0;
        for (let cursor = from?.cursor ?? 0; cursor < refs.length; cursor += ANALYZE_CHUNK) {
          summary = addSummary(summary, await analyzeBatch(deps, { refs: refs.slice(cursor, cursor + ANALYZE_CHUNK), now }));
          done += Math.min(ANALYZE_CHUNK, refs.length - cursor);
          heartbeat({ cursor: cursor + ANALYZE_CHUNK, done });
        }
        await refreshImpact(deps.pool, deps.forge.kind);
        return summary;
      });
    },
  };
}
