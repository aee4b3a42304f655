import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import { NotFound, UsageError } from '../errors.js';
import { logger } from '../log.js';
import { ScopeExhausted } from './errors.js';
import { isoWeekStart } from './period.js';
import { languageScope, normaliseRepo, scopeKind, scopeNames } from './scopes.js';
import { parseBudgetConfig, type ResolvedBudgetConfig } from './schema.js';
import { inTransaction } from './tx.js';
import { costUsd, type CallPricing } from '../pricing/prices.js';
import { chargedTokens, type BudgetScopes, type Reservation, type TokenBudget, type TokenUsage } from './types.js';

const log = logger.child({ component: 'budget' });

const Count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const UsageSchema = z.object({ inputTokens: Count, outputTokens: Count, cacheReadTokens: Count, cacheWriteTokens: Count });
const ReserveRequest = z.object({
  tokens: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  scopes: z.object({ repo: z.string().optional(), language: z.string().optional() }).strict(),
  purpose: z.string().min(1).max(200),
});
const ReservationId = z.uuid();
const IssueKey = z.string().regex(/^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}#[1-9][0-9]{0,9}$/, 'expected owner/name#number');

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new UsageError(`invalid ${what} — ${r.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ')}`);
}

export interface PostgresTokenBudgetOptions {
  /** Budget limits; validated (UsageError naming the key). */
  config?: unknown;
  /** Clock for choosing the week (tests move it); TTLs use the database clock. */
  now?: () => Date;
  /** The model calls are priced at: each settle records its model and cost in dollars. */
  pricing?: CallPricing;
}

interface HeldRow { scopes: string[]; period_start: Date; tokens: string; state: string }

/**
 * The TokenBudget kept in PostgreSQL. Every reservation is one transaction that creates the
 * current week's scope rows if missing, locks them in scope order and raises `reserved_tokens`
 * with a conditional UPDATE (`used + reserved + n <= limit`) on each: if any row has no room the
 * transaction rolls back and nothing is held. Row locks — not process locks — serialise
 * competing workers on any number of machines, so together they cannot reserve past a limit.
 *
 * Size each reservation as an upper bound of the call (input tokens + max_tokens): settling
 * charges the API's actual usage; should it ever exceed the hold, the excess is charged anyway
 * and recorded in `overshoot_tokens` rather than lost.
 */
export class PostgresTokenBudget implements TokenBudget {
  readonly config: ResolvedBudgetConfig;
  private readonly now: () => Date;
  private readonly pricing: CallPricing | undefined;

  constructor(private readonly pool: pg.Pool, options: PostgresTokenBudgetOptions = {}) {
    this.config = parseBudgetConfig(options.config ?? {});
    this.now = options.now ?? (() => new Date());
    this.pricing = options.pricing;
  }

  /** The period rows a reservation taken now would use. */
  periodStart(): Date {
    return isoWeekStart(this.now());
  }

  limitFor(scope: string): number {
    const kind = scopeKind(scope);
    return kind === 'week' ? this.config.weeklyTokens : kind === 'repo' ? this.config.repoTokens : this.config.languageTokens;
  }

  async reserve(request: { tokens: number; scopes: BudgetScopes; purpose: string }): Promise<Reservation> {
    const req = parse(ReserveRequest, request, 'reservation request');
    const scopes = scopeNames(req.scopes as BudgetScopes);
    try {
      return await this.tryReserve(req.tokens, scopes, req.purpose);
    } catch (err) {
      // A crashed worker's stale hold may be what is in the way: free those, then try once more.
      if (err instanceof ScopeExhausted && (await this.expireStale()) > 0) return this.tryReserve(req.tokens, scopes, req.purpose);
      throw err;
    }
  }

  private async tryReserve(tokens: number, scopes: string[], purpose: string): Promise<Reservation> {
    const period = this.periodStart();
    const limits = scopes.map((s) => this.limitFor(s));
    const id = randomUUID();
    await inTransaction(this.pool, async (c) => {
      await c.query(
        `INSERT INTO budgets (scope, period_start, limit_tokens)
         SELECT s, $2, l FROM unnest($1::text[], $3::bigint[]) AS w(s, l) ORDER BY s
         ON CONFLICT (scope, period_start) DO NOTHING`,
        [scopes, period, limits],
      );
      await c.query(`SELECT 1 FROM budgets WHERE period_start = $2 AND scope = ANY($1::text[]) ORDER BY scope FOR UPDATE`, [scopes, period]);
      const granted = await c.query<{ scope: string }>(
        `UPDATE budgets b SET reserved_tokens = b.reserved_tokens + $3, limit_tokens = w.l
         FROM unnest($1::text[], $4::bigint[]) AS w(s, l)
         WHERE b.scope = w.s AND b.period_start = $2 AND b.used_tokens + b.reserved_tokens + $3 <= w.l
         RETURNING b.scope`,
        [scopes, period, tokens, limits],
      );
      if (granted.rowCount !== scopes.length) {
        const ok = new Set(granted.rows.map((r) => r.scope));
        const missing = scopes.find((s) => !ok.has(s)) ?? scopes[0] ?? 'week';
        const row = await c.query<{ used_tokens: string; reserved_tokens: string }>(
          `SELECT used_tokens, reserved_tokens FROM budgets WHERE scope = $1 AND period_start = $2`, [missing, period]);
        const used = row.rows[0]?.used_tokens ?? '0';
        const reserved = row.rows[0]?.reserved_tokens ?? '0';
        // Throwing rolls the transaction back: the scopes that had room hold nothing either.
        throw new ScopeExhausted(missing, `token budget exhausted for ${missing} (week of ${period.toISOString().slice(0, 10)}): `
          + `${used} used + ${reserved} reserved + ${tokens} requested > ${this.limitFor(missing)} limit`);
      }
      await c.query(
        `INSERT INTO budget_reservations (id, scopes, period_start, tokens, purpose) VALUES ($1, $2, $3, $4, $5)`,
        [id, scopes, period, tokens, purpose],
      );
    });
    return { id, tokens, scopes };
  }

  async settle(reservationId: string, usage: TokenUsage): Promise<void> {
    const id = parse(ReservationId, reservationId, 'reservation id');
    const u = parse(UsageSchema, usage, 'token usage');
    const charge = chargedTokens(u);
    const dollars = this.pricing ? costUsd(this.pricing.price, u) : 0;
    await inTransaction(this.pool, async (c) => {
      const r = await this.lockReservation(c, id);
      if (r.state === 'settled') return; // a retried activity: charged already
      if (r.state === 'released') throw new UsageError(`reservation ${id} was released; it cannot be settled`);
      // 'held' frees its hold; 'expired' was freed by the TTL sweep, but the call did spend tokens.
      const held = r.state === 'held' ? Number(r.tokens) : 0;
      if (charge > Number(r.tokens)) log.warn({ reservation: id, reserved: Number(r.tokens), charged: charge }, 'usage exceeded its reservation: charged anyway');
      await lockScopes(c, r.scopes, r.period_start);
      await c.query(
        `UPDATE budgets SET used_tokens = used_tokens + $3, reserved_tokens = reserved_tokens - $4, used_usd = used_usd + $5,
           overshoot_tokens = GREATEST(overshoot_tokens, used_tokens + $3 + reserved_tokens - $4 - limit_tokens)
         WHERE scope = ANY($1::text[]) AND period_start = $2`,
        [r.scopes, r.period_start, charge, held, dollars],
      );
      await c.query(`UPDATE budget_reservations SET state = 'settled', actual = $2, settled_at = now(), model = $3, cost_usd = $4 WHERE id = $1`,
        [id, JSON.stringify(u), this.pricing?.model ?? null, this.pricing ? dollars : null]);
    });
  }

  async release(reservationId: string): Promise<void> {
    const id = parse(ReservationId, reservationId, 'reservation id');
    await inTransaction(this.pool, async (c) => {
      const r = await this.lockReservation(c, id);
      if (r.state !== 'held') return; // released, expired (freed already) or settled (charged: nothing to free)
      await lockScopes(c, r.scopes, r.period_start);
      await c.query(`UPDATE budgets SET reserved_tokens = reserved_tokens - $3 WHERE scope = ANY($1::text[]) AND period_start = $2`, [r.scopes, r.period_start, r.tokens]);
      await c.query(`UPDATE budget_reservations SET state = 'released', settled_at = now() WHERE id = $1`, [id]);
    });
  }

  /**
   * Frees holds older than the TTL (their worker crashed before settling or releasing); returns
   * how many. Holds being settled right now are skipped, not waited for.
   */
  async expireStale(ttlSeconds: number = this.config.reservationTtlSeconds): Promise<number> {
    if (!Number.isFinite(ttlSeconds) || ttlSeconds < 0) throw new UsageError('ttlSeconds must be a non-negative number');
    return inTransaction(this.pool, async (c) => {
      const expired = await c.query<{ scopes: string[]; period_start: Date; tokens: string }>(
        `UPDATE budget_reservations SET state = 'expired', settled_at = now()
         WHERE id IN (SELECT id FROM budget_reservations WHERE state = 'held' AND created_at < now() - make_interval(secs => $1)
                      ORDER BY created_at LIMIT 10000 FOR UPDATE SKIP LOCKED)
         RETURNING scopes, period_start, tokens`,
        [ttlSeconds],
      );
      const freed = new Map<string, { scope: string; period: Date; tokens: bigint }>();
      for (const r of expired.rows) {
        for (const scope of r.scopes) {
          const key = `${r.period_start.toISOString()} ${scope}`;
          const cur = freed.get(key) ?? { scope, period: r.period_start, tokens: 0n };
          cur.tokens += BigInt(r.tokens);
          freed.set(key, cur);
        }
      }
      for (const key of [...freed.keys()].sort()) {
        const f = freed.get(key);
        if (f) await c.query(`UPDATE budgets SET reserved_tokens = reserved_tokens - $3 WHERE scope = $1 AND period_start = $2`, [f.scope, f.period, f.tokens.toString()]);
      }
      if (expired.rowCount) log.warn({ expired: expired.rowCount }, 'expired stale budget reservations');
      return expired.rowCount ?? 0;
    });
  }

  /**
   * Counts an issue against its language's weekly issue limit (analysed or fixed, once per issue
   * per week); throws BudgetExhausted naming the language when the limit is reached.
   */
  async admitIssue(request: { language: string; issue: string }): Promise<{ count: number; alreadyAdmitted: boolean }> {
    const scope = languageScope(request.language);
    const key = parse(IssueKey, request.issue, 'issue');
    const [repo, number] = key.split('#') as [string, string];
    const issue = `${normaliseRepo(repo)}#${number}`;
    const period = this.periodStart();
    const limit = this.config.languageIssues;
    return inTransaction(this.pool, async (c) => {
      await c.query(`INSERT INTO budget_issue_counts (scope, period_start, limit_issues) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [scope, period, limit]);
      const fresh = await c.query(`INSERT INTO budget_issue_admissions (scope, period_start, issue) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`, [scope, period, issue]);
      if (fresh.rowCount === 0) {
        const cur = await c.query<{ used_issues: number }>(`SELECT used_issues FROM budget_issue_counts WHERE scope = $1 AND period_start = $2`, [scope, period]);
        return { count: cur.rows[0]?.used_issues ?? 0, alreadyAdmitted: true };
      }
      const counted = await c.query<{ used_issues: number }>(
        `UPDATE budget_issue_counts SET used_issues = used_issues + 1, limit_issues = $3
         WHERE scope = $1 AND period_start = $2 AND used_issues + 1 <= $3 RETURNING used_issues`,
        [scope, period, limit],
      );
      const row = counted.rows[0];
      if (!row) throw new ScopeExhausted(scope, `issue budget exhausted for ${scope} (week of ${period.toISOString().slice(0, 10)}): ${limit} issues a week`);
      return { count: row.used_issues, alreadyAdmitted: false };
    });
  }

  private async lockReservation(c: pg.PoolClient, id: string): Promise<HeldRow> {
    const res = await c.query<HeldRow>(`SELECT scopes, period_start, tokens, state FROM budget_reservations WHERE id = $1 FOR UPDATE`, [id]);
    const r = res.rows[0];
    if (!r) throw new NotFound(`no budget reservation ${id}`);
    return r;
  }
}

/** Locks a reservation's scope rows in scope order, the order every writer uses. */
async function lockScopes(c: pg.PoolClient, scopes: string[], period: Date): Promise<void> {
  await c.query(`SELECT 1 FROM budgets WHERE period_start = $2 AND scope = ANY($1::text[]) ORDER BY scope FOR UPDATE`, [scopes, period]);
}
