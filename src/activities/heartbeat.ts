import { Context } from '@temporalio/activity';

/** How often a stage's activity tells Temporal it is alive; its heartbeat timeout is a few of these. */
export const HEARTBEAT_EVERY_MS = 5_000;

export interface Beat {
  /** Heartbeats now with these details; the timer repeats the latest. */
  (details?: unknown): void;
}

/**
 * Runs `fn` while heartbeating every `everyMs`, so Temporal notices within the stage's heartbeat
 * timeout when the worker running it dies, rather than at its start-to-close timeout. `fn` may
 * beat with details of its own (progress, a checkpoint); the timer repeats the latest, starting
 * with `initial`.
 */
export async function beating<T>(fn: (beat: Beat) => Promise<T>, everyMs: number = HEARTBEAT_EVERY_MS, initial?: unknown): Promise<T> {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return fn(() => undefined); // called outside an activity (the CLI, a test): nothing to tell
  }
  let last: unknown = initial;
  const beat: Beat = (details?: unknown) => {
    if (details !== undefined) last = details;
    ctx.heartbeat(last);
  };
  const timer = setInterval(() => beat(), everyMs);
  try {
    beat();
    return await fn(beat);
  } finally {
    clearInterval(timer);
  }
}
