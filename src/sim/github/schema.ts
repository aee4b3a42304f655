/** Options accepted by the GitHub stand-in, checked at the boundary. */
import { z } from 'zod';

export const LimitsSchema = z.object({
  /** REST "core" requests per hour. */
  core: z.number().int().positive(),
  /** Search requests per minute. */
  search: z.number().int().positive(),
  /** GraphQL points per hour. */
  graphql: z.number().int().positive(),
  /** Content-creating requests per minute and per hour (secondary limit). */
  contentPerMinute: z.number().int().positive(),
  contentPerHour: z.number().int().positive(),
  /** Concurrent requests in flight before the secondary limit answers. */
  concurrency: z.number().int().positive(),
  /** Seconds sent in `retry-after` with a secondary-limit answer. */
  secondaryRetryAfterSec: z.number().int().nonnegative(),
  /** How long a new fork stays unusable. */
  forkDelayMs: z.number().int().nonnegative(),
});
export type Limits = z.infer<typeof LimitsSchema>;

export const DEFAULT_LIMITS: Limits = {
  core: 5000,
  search: 30,
  graphql: 5000,
  contentPerMinute: 80,
  contentPerHour: 500,
  concurrency: 100,
  secondaryRetryAfterSec: 60,
  forkDelayMs: 300,
};

export const FaultKindSchema = z.enum(['500', '502', 'timeout', 'reset', 'abuse403']);
export type FaultKind = z.infer<typeof FaultKindSchema>;

export const FaultPlanSchema = z.object({
  /** Probability (0..1) that an API request is answered with a fault. */
  rate: z.number().min(0).max(1).optional(),
  kinds: z.array(FaultKindSchema).min(1),
  seed: z.number().int(),
  /** How long a `timeout` fault holds the connection before dropping it. */
  timeoutMs: z.number().int().positive().optional(),
  /** The first N `createCommitOnBranch` mutations are refused with an HTTP 422 (nothing is committed). */
  refuseCommits: z.number().int().nonnegative().optional(),
  /** The first N requests to close a pull request (`PATCH …/pulls/{n}` with state `closed`) are answered 502 (nothing is closed). */
  failPullCloses: z.number().int().nonnegative().optional(),
  /** The first `count` forks created stay unusable for `delayMs` (instead of `limits.forkDelayMs`). */
  slowForks: z.object({ count: z.number().int().nonnegative(), delayMs: z.number().int().nonnegative() }).optional(),
});
export type FaultPlan = z.infer<typeof FaultPlanSchema>;

export const StandInOptionsSchema = z.object({
  dir: z.string().min(1).optional(),
  seed: z.number().int().optional(),
  limits: LimitsSchema.partial().optional(),
  faults: FaultPlanSchema.optional(),
  /** Login of the user every token authenticates as. */
  viewer: z.string().regex(/^[A-Za-z0-9-]+$/).optional(),
  /**
   * How long an "hour" of quota lasts, in ms (default an hour; a "minute" is a sixtieth of it):
   * every window (core, GraphQL, search, content) is scaled by it, and so is x-ratelimit-reset.
   */
  hourMs: z.number().int().min(6_000).max(3_600_000).optional(),
  /** Fill the world with the seeded example (default true). */
  seedWorld: z.boolean().optional(),
});
export type StandInOptions = z.infer<typeof StandInOptionsSchema>;
