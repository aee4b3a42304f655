/**
 * A campaign's own caps (`campaigns.token_budget`, `campaigns.usd_budget`) and what its calls
 * spent or hold in `budget_reservations`, over the campaign's whole life.
 */
import type { Queryable } from './pool.js';

export interface CampaignCaps { token_budget: string; usd_budget: string | null }

/** Records a campaign's caps (a restarted campaign takes the new ones). */
export async function upsertCampaignCaps(db: Queryable, id: string, tokenBudget: number, usdBudget: number | null): Promise<void> {
  await db.query(
    `INSERT INTO campaigns (id, token_budget, usd_budget) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET token_budget = EXCLUDED.token_budget, usd_budget = EXCLUDED.usd_budget`,
    [id, tokenBudget, usdBudget]);
}

export interface CampaignSpendRow { id: string; token_budget: string; usd_budget: string | null; spent: string; held: string; spent_usd: string; held_usd: string }

/** The campaign's caps, its row locked so that its concurrent calls are counted one after another; undefined when it has none. */
export async function lockCampaignCaps(db: Queryable, campaign: string): Promise<CampaignCaps | undefined> {
  const cap = await db.query<CampaignCaps>(`SELECT token_budget, usd_budget FROM campaigns WHERE id = $1 FOR UPDATE`, [campaign]);
  return cap.rows[0];
}

/** Tokens and dollars the campaign's settled calls charged plus what its held calls hold. */
export async function campaignSpend(db: Queryable, campaign: string): Promise<{ tokens: number; usd: number }> {
  const spent = await db.query<{ n: string; usd: string }>(
    `SELECT COALESCE(sum(CASE state WHEN 'held' THEN tokens WHEN 'settled' THEN COALESCE(charged_tokens, 0) ELSE 0 END), 0) AS n,
            COALESCE(sum(CASE state WHEN 'held' THEN hold_usd WHEN 'settled' THEN COALESCE(cost_usd, 0) ELSE 0 END), 0) AS usd
       FROM budget_reservations WHERE campaign = $1`, [campaign]);
  return { tokens: Number(spent.rows[0]?.n ?? 0), usd: Number(spent.rows[0]?.usd ?? 0) };
}

/** The campaign that selected this issue, if any. */
export async function campaignOfIssue(db: Queryable, owner: string, name: string, number: number): Promise<string | undefined> {
  const res = await db.query<{ campaign: string | null }>(
    `SELECT i.campaign FROM issues i JOIN repositories r ON r.id = i.repository_id
      WHERE r.owner = $1 AND r.name = $2 AND i.number = $3 AND i.campaign IS NOT NULL LIMIT 1`,
    [owner, name, number],
  );
  return res.rows[0]?.campaign ?? undefined;
}

/** The latest campaigns (at most 20) with their caps, spend and holds. */
export async function campaignSpendRows(db: Queryable): Promise<CampaignSpendRow[]> {
  const res = await db.query<CampaignSpendRow>(
    `SELECT c.id, c.token_budget, c.usd_budget, COALESCE(sum(r.charged_tokens) FILTER (WHERE r.state = 'settled'), 0) AS spent,
            COALESCE(sum(r.cost_usd) FILTER (WHERE r.state = 'settled'), 0) AS spent_usd,
            COALESCE(sum(r.hold_usd) FILTER (WHERE r.state = 'held'), 0) AS held_usd,
            COALESCE(sum(r.tokens) FILTER (WHERE r.state = 'held'), 0) AS held
       FROM campaigns c LEFT JOIN budget_reservations r ON r.campaign = c.id
      GROUP BY c.id, c.usd_budget ORDER BY max(c.created_at) DESC, c.id LIMIT 20`);
  return res.rows;
}
