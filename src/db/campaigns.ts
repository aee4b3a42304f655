/** The `campaigns` table: each campaign's own token and dollar caps, for every model call made for it. */
import type { Pool } from 'pg';

/** Records a campaign's caps (a restarted campaign takes the new ones). */
export async function upsertCampaignCaps(pool: Pool, id: string, tokenBudget: number, usdBudget: number | null): Promise<void> {
  await pool.query(
    `INSERT INTO campaigns (id, token_budget, usd_budget) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET token_budget = EXCLUDED.token_budget, usd_budget = EXCLUDED.usd_budget`,
    [id, tokenBudget, usdBudget]);
}
