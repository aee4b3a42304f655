import type pg from 'pg';
import { campaignSpend, lockCampaignCaps } from '../db/campaign-budgets.js';
import { ScopeExhausted } from './errors.js';

/**
 * A campaign's own caps over its whole life (`--token-budget`, `--usd-budget`): what its settled
 * calls charged plus what it holds, checked under a lock on its row so that concurrent calls of
 * the same campaign are counted one after another.
 */
export async function checkCampaignCaps(c: pg.PoolClient, campaign: string, tokens: number, usd: number): Promise<void> {
  const row = await lockCampaignCaps(c, campaign);
  if (!row) return; // not a campaign with caps of its own
  const spent = await campaignSpend(c, campaign);
  const used = spent.tokens;
  const limit = Number(row.token_budget);
  if (used + tokens > limit) {
    throw new ScopeExhausted(`campaign:${campaign}`, `token budget exhausted for campaign ${campaign}: ${used} used or held + ${tokens} requested > ${limit} (--token-budget)`);
  }
  if (row.usd_budget === null) return;
  const usedUsd = spent.usd;
  const usdLimit = Number(row.usd_budget);
  // Compared in micro-dollars, as PostgreSQL keeps them, so float rounding never lets a call through.
  if (Math.round(usedUsd * 1e6) + Math.round(usd * 1e6) > Math.round(usdLimit * 1e6)) {
    throw new ScopeExhausted(`campaign:${campaign}`, `dollar budget exhausted for campaign ${campaign}: $${usedUsd} used or held + $${usd} requested > $${usdLimit} (--usd-budget)`);
  }
}
