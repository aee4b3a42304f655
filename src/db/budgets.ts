/**
 * The `budgets` table: one row per scope (`week`, `repo:owner/name`, `language:name`) and week,
 * with its limits, what is used and what is held. Every writer locks a call's rows in scope
 * order (lockScopes), so competing workers never deadlock and never reserve past a limit.
 */
import type { Queryable } from './pool.js';

/** A scope's figures this week, as PostgreSQL keeps them (bigint and numeric come back as text). */
export interface ScopeUseRow { used_tokens: string; reserved_tokens: string; used_usd: string; reserved_usd: string }

export interface ScopeRow extends ScopeUseRow { scope: string; limit_tokens: string; overshoot_tokens: string; limit_usd: string | null }

/** What one call holds: tokens and dollars against each scope, with the limits each scope has now. */
export interface ScopeHold { scopes: string[]; period: Date; tokens: number; usd: number; limits: number[]; usdLimits: Array<number | null> }

/** Creates the period's missing scope rows, in scope order. */
export async function ensureScopeRows(db: Queryable, h: Pick<ScopeHold, 'scopes' | 'period' | 'limits' | 'usdLimits'>): Promise<void> {
  await db.query(
    `INSERT INTO budgets (scope, period_start, limit_tokens, limit_usd)
     SELECT s, $2, l, lu FROM unnest($1::text[], $3::bigint[], $4::numeric[]) AS w(s, l, lu) ORDER BY s
     ON CONFLICT (scope, period_start) DO NOTHING`,
    [h.scopes, h.period, h.limits, h.usdLimits],
  );
}

/** Locks the scope rows in scope order, the order every writer uses. */
export async function lockScopes(db: Queryable, scopes: string[], period: Date): Promise<void> {
  await db.query(`SELECT 1 FROM budgets WHERE period_start = $2 AND scope = ANY($1::text[]) ORDER BY scope FOR UPDATE`, [scopes, period]);
}

/**
 * Raises what each scope holds where both the tokens and the dollars fit under its limits;
 * returns the scopes that had room (the caller rolls back unless every scope did).
 */
export async function holdOnScopes(db: Queryable, h: ScopeHold): Promise<string[]> {
  const granted = await db.query<{ scope: string }>(
    `UPDATE budgets b SET reserved_tokens = b.reserved_tokens + $3, limit_tokens = w.l, reserved_usd = b.reserved_usd + $5, limit_usd = w.lu
     FROM unnest($1::text[], $4::bigint[], $6::numeric[]) AS w(s, l, lu)
     WHERE b.scope = w.s AND b.period_start = $2 AND b.used_tokens + b.reserved_tokens + $3 <= w.l
       AND (w.lu IS NULL OR b.used_usd + b.reserved_usd + $5 <= w.lu)
     RETURNING b.scope`,
    [h.scopes, h.period, h.tokens, h.limits, h.usd, h.usdLimits],
  );
  return granted.rows.map((r) => r.scope);
}

/** One scope's figures this week, if its row exists. */
export async function scopeUse(db: Queryable, scope: string, period: Date): Promise<ScopeUseRow | undefined> {
  const row = await db.query<ScopeUseRow>(
    `SELECT used_tokens, reserved_tokens, used_usd, reserved_usd FROM budgets WHERE scope = $1 AND period_start = $2`, [scope, period]);
  return row.rows[0];
}

export interface ScopeCharge { scopes: string[]; period: Date; charged: number; held: number; usd: number; heldUsd: string }

/** Charges a settled call and frees its hold; what goes past a limit is kept in `overshoot_tokens`. */
export async function chargeScopes(db: Queryable, c: ScopeCharge): Promise<void> {
  await db.query(
    `UPDATE budgets SET used_tokens = used_tokens + $3, reserved_tokens = reserved_tokens - $4, used_usd = used_usd + $5,
       reserved_usd = reserved_usd - $6::numeric,
       overshoot_tokens = GREATEST(overshoot_tokens, used_tokens + $3 + reserved_tokens - $4 - limit_tokens)
     WHERE scope = ANY($1::text[]) AND period_start = $2`,
    [c.scopes, c.period, c.charged, c.held, c.usd, c.heldUsd],
  );
}

/** Frees a released call's hold on each of its scopes. */
export async function freeScopes(db: Queryable, scopes: string[], period: Date, tokens: string, holdUsd: string): Promise<void> {
  await db.query(`UPDATE budgets SET reserved_tokens = reserved_tokens - $3, reserved_usd = reserved_usd - $4::numeric WHERE scope = ANY($1::text[]) AND period_start = $2`,
    [scopes, period, tokens, holdUsd]);
}

/** Frees expired holds on one scope: tokens, and dollars in micro-dollars. */
export async function freeScopeMicro(db: Queryable, scope: string, period: Date, tokens: string, micro: string): Promise<void> {
  await db.query(`UPDATE budgets SET reserved_tokens = reserved_tokens - $3, reserved_usd = reserved_usd - $4::numeric / 1000000 WHERE scope = $1 AND period_start = $2`,
    [scope, period, tokens, micro]);
}

/** Every scope row of the week, by scope. */
export async function scopeRows(db: Queryable, period: Date): Promise<ScopeRow[]> {
  const res = await db.query<ScopeRow>(
    `SELECT scope, limit_tokens, used_tokens, reserved_tokens, overshoot_tokens, used_usd, reserved_usd, limit_usd FROM budgets WHERE period_start = $1 ORDER BY scope`, [period]);
  return res.rows;
}
