import { heartbeat } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { ForgeReader } from '../forge/types.js';
import { runIntake, type IntakeSummary } from '../intake/run.js';
import { lastCheckpoint } from './discovery.js';
import { classified } from './errors.js';

export interface IntakeInput {
  /** Only these `owner/name`; default every approved repository. */
  only?: string[];
  now?: string;
}

export function createIntakeActivities(deps: { pool: Pool; forge: ForgeReader; clock?: () => Date }) {
  const clock = deps.clock ?? (() => new Date());
  return {
    /** Issue intake; heartbeats `{ cursor: last repository id, done }` after each batch and resumes after it. */
    intake: async (input: IntakeInput = {}): Promise<IntakeSummary> => {
      return classified(async () => {
        const from = lastCheckpoint();
        return runIntake(deps, {
          now: input.now ? new Date(input.now) : clock(),
          ...(input.only ? { only: input.only } : {}),
          ...(from ? { from } : {}),
          onProgress: ({ cursor, done }) => heartbeat({ cursor, done }),
        });
      });
    },
  };
}
