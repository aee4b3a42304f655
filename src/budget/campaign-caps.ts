import type pg from 'pg';
import { ScopeExhausted } from './errors.js';

/**
 * A campaign's own caps over its whole life (`--token-budget`, `--usd-budget`): what its settled
 * calls charged plus what it holds, checked under a lock on its row so that concurrent calls of
 * the same campaign are counted one after another.
 */
export async function checkCampaignCaps(c: pg.PoolClient, campaign: string, tokens: number, usd: number): Promise<void> {
  const cap = await c.query<{ token_budget: string; usd_budget: string | null }>(`SELECT token_budget, usd_budget FROM campaigns WHERE id = $1 FOR UPDATE`, [campaign]);
  const row = cap.rows[0];
  if (!row) return; // not a campaign with caps of its own
  const spent = await c.query<{ n: string; usd: string }>(
    `SELECT COALESCE(sum(CASE state WHEN 'held' THEN tokens WHEN 'settled' THEN COALESCE(charged_tokens, 0) ELSE 0 END), 0) AS n,
            COALESCE(sum(CASE state WHEN 'held' THEN hold_usd WHEN 'settled' THEN COALESCE(cost_usd, 0) ELSE 0 END), 0) AS usd
       FROM budget_reservations WHERE campaign = $1`, [campaign]);
  const used = Number(spent.rows[0]?.n ?? 0);
  const limit = Number(row.token_budget);
  if (used + tokens > limit) {
    throw new ScopeExhausted(`campaign:${campaign}`, `token budget exhausted for campaign ${campaign}: ${used} used or held + ${tokens} requested > ${limit} (--token-budget)`);
  }
  if (row.usd_budget === null) return;
  const usedUsd = Number(spent.rows[0]?.usd ?? 0);
  const usdLimit = Number(row.usd_budget);
  // Compared in micro-dollars, as PostgreSQL keeps them, so float rounding never lets a call through.
  if (Math.round(usedUsd * 1e6) + Math.round(usd * 1e6) > Math.round(usdLimit * 1e6)) {
    throw new ScopeExhausted(`campaign:${campaign}`, `dollar budget exhausted for campaign ${campaign}: $${usedUsd} used or held + $${usd} requested > $${usdLimit} (--usd-budget)`);
  }
}
