/**
 * The `budget_reservations` table: one row per paid call, held before the call and then settled
 * with its usage, released, or expired by the TTL sweep. A call's usage is stored as JSON and read
 * back as the caller wrote it (`U`, the budget's TokenUsage).
 */
import type { Queryable } from './pool.js';

/** A hold as a settle or release locks it. */
export interface HeldRow { scopes: string[]; period_start: Date; tokens: string; state: string; campaign: string | null; hold_usd: string }

export interface NewHold { id: string; scopes: string[]; period: Date; tokens: number; purpose: string; key: string | null; campaign: string | null; usd: number }

export interface ExpiredHold { scopes: string[]; period_start: Date; tokens: string; hold_micro: string }

/** The hold already taken for this call key, if any. */
export async function holdByKey(db: Queryable, key: string): Promise<{ id: string; tokens: string; scopes: string[] } | undefined> {
  const same = await db.query<{ id: string; tokens: string; scopes: string[] }>(`SELECT id, tokens, scopes FROM budget_reservations WHERE call_key = $1`, [key]);
  return same.rows[0];
}

export async function insertHold(db: Queryable, h: NewHold): Promise<void> {
  await db.query(
    `INSERT INTO budget_reservations (id, scopes, period_start, tokens, purpose, call_key, campaign, hold_usd) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [h.id, h.scopes, h.period, h.tokens, h.purpose, h.key, h.campaign, h.usd],
  );
}

/** Locks one hold's row for the rest of the transaction. */
export async function lockHold(db: Queryable, id: string): Promise<HeldRow | undefined> {
  const res = await db.query<HeldRow>(`SELECT scopes, period_start, tokens, state, campaign, hold_usd FROM budget_reservations WHERE id = $1 FOR UPDATE`, [id]);
  return res.rows[0];
}

export interface Settlement { id: string; usage: unknown; charged: number; model: string | null; costUsd: number | null }

export async function markSettled(db: Queryable, s: Settlement): Promise<void> {
  await db.query(`UPDATE budget_reservations SET state = 'settled', actual = $2, charged_tokens = $3, settled_at = now(), model = $4, cost_usd = $5 WHERE id = $1`,
    [s.id, JSON.stringify(s.usage), s.charged, s.model, s.costUsd]);
}

export async function markReleased(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE budget_reservations SET state = 'released', settled_at = now() WHERE id = $1`, [id]);
}

/** Keeps the provider's usage on a hold still held. */
export async function recordActual(db: Queryable, id: string, usage: unknown): Promise<void> {
  await db.query(`UPDATE budget_reservations SET actual = $2 WHERE id = $1 AND state = 'held'`, [id, JSON.stringify(usage)]);
}

/** Holds still held whose key starts with `keyPrefix` and carries an attempt number below `attempt`. */
export async function earlierAttemptHolds<U>(db: Queryable, keyPrefix: string, attempt: number): Promise<Array<{ id: string; tokens: string; actual: U | null }>> {
  const res = await db.query<{ id: string; tokens: string; actual: U | null }>(
    `SELECT id, tokens, actual FROM budget_reservations
      WHERE state = 'held' AND left(call_key, length($1)) = $1 AND split_part(substr(call_key, length($1) + 1), '|', 1) ~ '^[0-9]+$'
        AND split_part(substr(call_key, length($1) + 1), '|', 1)::int < $2`,
    [keyPrefix, attempt],
  );
  return res.rows;
}

/** Held and unanswered holds older than `ttlSeconds`, oldest first, at most `limit`. */
export async function staleUnansweredHolds(db: Queryable, ttlSeconds: number, limit: number): Promise<Array<{ id: string }>> {
  const stale = await db.query<{ id: string }>(
    `SELECT id FROM budget_reservations WHERE state = 'held' AND actual IS NULL AND created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT $2`,
    [ttlSeconds, limit],
  );
  return stale.rows;
}

/** Held holds older than `graceSeconds` whose call answered (usage recorded). */
export async function answeredHolds<U>(db: Queryable, graceSeconds: number): Promise<Array<{ id: string; actual: U }>> {
  const answered = await db.query<{ id: string; actual: U }>(
    `SELECT id, actual FROM budget_reservations WHERE state = 'held' AND actual IS NOT NULL AND created_at < now() - make_interval(secs => $1) LIMIT 10000`, [graceSeconds]);
  return answered.rows;
}

/** Marks unanswered holds older than the TTL expired (skipping those being settled now); returns them. */
export async function expireHolds(db: Queryable, ttlSeconds: number): Promise<ExpiredHold[]> {
  const expired = await db.query<ExpiredHold>(
    `UPDATE budget_reservations SET state = 'expired', settled_at = now()
     WHERE id IN (SELECT id FROM budget_reservations WHERE state = 'held' AND actual IS NULL AND created_at < now() - make_interval(secs => $1)
                  ORDER BY created_at LIMIT 10000 FOR UPDATE SKIP LOCKED)
     RETURNING scopes, period_start, tokens, (hold_usd * 1000000)::bigint AS hold_micro`,
    [ttlSeconds],
  );
  return expired.rows;
}

/** How many holds of the week are still held. */
export async function heldCount(db: Queryable, period: Date): Promise<number> {
  const held = await db.query<{ n: string }>(`SELECT count(*) AS n FROM budget_reservations WHERE state = 'held' AND period_start = $1`, [period]);
  return Number(held.rows[0]?.n ?? 0);
}
