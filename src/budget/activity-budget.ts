import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import { campaignOfIssue } from '../db/campaign-budgets.js';
import type { PostgresTokenBudget } from './postgres-budget.js';
import type { Reservation, ReserveRequest, TokenBudget, TokenUsage } from './types.js';

/** The activity attempt the current code runs in, if any. */
function currentAttempt(): { ctx: Context; workflowId: string; runId: string; activityId: string; attempt: number } | undefined {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return undefined; // not inside an activity (the CLI, a benchmark)
  }
  const info = ctx.info;
  const run = info.workflowExecution;
  return run?.workflowId ? { ctx, workflowId: run.workflowId, runId: run.runId, activityId: info.activityId, attempt: info.attempt } : undefined;
}

/** The campaign a workflow's model calls count against: the campaign itself, or the one that selected the issue. */
async function campaignOf(pool: Pool, workflowId: string): Promise<string | undefined> {
  const parts = workflowId.split('/');
  if (parts[0] === 'campaign' && parts.length === 2) return parts[1];
  if (parts[0] !== 'issue' || parts.length !== 4) return undefined;
  const [, owner, name, number] = parts as [string, string, string, string];
  return campaignOfIssue(pool, owner, name, Number(number));
}

/**
 * The shared budget as activities use it. Each paid call is keyed by workflow (id and run),
 * activity, attempt and call number, so it is charged once: the provider's usage is recorded before the settle, and
 * a retried attempt first settles whatever holds the earlier attempts left. Calls made for a
 * campaign (its own analysis, or an issue it selected) also count against its `--token-budget`.
 */
export class ActivityBudget implements TokenBudget {
  private readonly calls = new WeakMap<Context, number>();

  constructor(private readonly inner: PostgresTokenBudget, private readonly pool: Pool) {}

  async reserve(request: ReserveRequest): Promise<Reservation> {
    const a = currentAttempt();
    if (!a) return this.inner.reserve(request);
    const prefix = `${a.workflowId}|${a.runId}|${a.activityId}|`;
    const seq = this.calls.get(a.ctx) ?? 0;
    this.calls.set(a.ctx, seq + 1);
    if (seq === 0 && a.attempt > 1) await this.inner.settleEarlierAttempts(prefix, a.attempt);
    const campaign = request.scopes.campaign ?? (await campaignOf(this.pool, a.workflowId));
    return this.inner.reserve({ ...request, scopes: { ...request.scopes, ...(campaign ? { campaign } : {}) }, key: `${prefix}${a.attempt}|${seq}` });
  }

  async settle(reservationId: string, usage: TokenUsage): Promise<void> {
    await this.inner.recordUsage(reservationId, usage);
    await this.inner.settle(reservationId, usage);
  }

  release(reservationId: string): Promise<void> {
    return this.inner.release(reservationId);
  }
}
