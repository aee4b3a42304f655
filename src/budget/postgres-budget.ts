import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import { NotFound, UsageError } from '../errors.js';
import { logger } from '../log.js';
import { ScopeExhausted } from './errors.js';
import { isoWeekStart } from './period.js';
import { languageScope, normaliseRepo, scopeKind, scopeNames } from './scopes.js';
import { parseBudgetConfig, type ResolvedBudgetConfig } from './schema.js';
import { inTransaction } from '../db/tx.js';
import { answeredHolds, earlierAttemptHolds, expireHolds, holdByKey, insertHold, lockHold, markReleased, markSettled, recordActual, staleUnansweredHolds, type HeldRow } from '../db/budget-holds.js';
import { addAdmission, countIssue, ensureIssueCount, issuesUsed } from '../db/budget-issues.js';
import { chargeScopes, ensureScopeRows, freeScopeMicro, freeScopes, holdOnScopes, lockScopes, scopeUse } from '../db/budgets.js';
import { costUsd, maxCostUsd, type CallPricing } from '../pricing/prices.js';
import { checkCampaignCaps } from './campaign-caps.js';
import { chargedTokens, type BudgetScopes, type Reservation, type ReserveRequest, type StoredUsageLookup, type TokenBudget, type TokenUsage } from './types.js';

const log = logger.child({ component: 'budget' });

const Count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const UsageSchema = z.object({ inputTokens: Count, outputTokens: Count, cacheReadTokens: Count, cacheWriteTokens: Count });
const ReserveRequestSchema = z.object({
  tokens: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  outputTokens: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  scopes: z.object({ repo: z.string().optional(), language: z.string().optional(), campaign: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/).optional() }).strict(),
  purpose: z.string().min(1).max(200),
  key: z.string().min(1).max(600).optional(),
}).refine((r) => r.outputTokens === undefined || r.outputTokens <= r.tokens, { message: 'outputTokens cannot exceed tokens', path: ['outputTokens'] });
/** How often reserve() sweeps holds older than the TTL (at most once per this many ms, per process). */
const SWEEP_EVERY_MS = 60_000;
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
  /** Asks the provider what a call whose answer was never recorded was billed; without it such a hold is charged whole. */
  lookup?: StoredUsageLookup | undefined;
}

/** Unanswered stale holds the sweep asks the provider about, at most, each time. */
const LOOKUPS_PER_SWEEP = 100;

interface Call { tokens: number; usd: number; scopes: string[]; purpose: string; key: string | null; campaign: string | null }

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
  private readonly lookup: StoredUsageLookup | undefined;
  private lastSweep = 0;

  constructor(private readonly pool: pg.Pool, options: PostgresTokenBudgetOptions = {}) {
    this.config = parseBudgetConfig(options.config ?? {});
    this.now = options.now ?? (() => new Date());
    this.pricing = options.pricing;
    this.lookup = options.lookup;
  }

  /** The period rows a reservation taken now would use. */
  periodStart(): Date {
    return isoWeekStart(this.now());
  }

  limitFor(scope: string): number {
    const kind = scopeKind(scope);
    return kind === 'week' ? this.config.weeklyTokens : kind === 'repo' ? this.config.repoTokens : this.config.languageTokens;
  }

  /** A scope's dollar cap this week, or null when it has none. */
  usdLimitFor(scope: string): number | null {
    const kind = scopeKind(scope);
    return (kind === 'week' ? this.config.weeklyUsd : kind === 'repo' ? this.config.repoUsd : this.config.languageUsd) ?? null;
  }

  /** What a call may cost at most, in micro-dollars rounded up (0 when calls are not priced). */
  private holdUsd(tokens: number, outputTokens: number | undefined): number {
    return this.pricing ? Math.ceil(maxCostUsd(this.pricing.price, tokens, outputTokens) * 1e6 - 1e-6) / 1e6 : 0;
  }

  async reserve(request: ReserveRequest): Promise<Reservation> {
    const req = parse(ReserveRequestSchema, request, 'reservation request');
    const scopes = scopeNames(req.scopes as BudgetScopes);
    if (req.key !== undefined) {
      const row = await holdByKey(this.pool, req.key);
      if (row) return { id: row.id, tokens: Number(row.tokens), scopes: row.scopes };
    }
    if (Date.now() - this.lastSweep > SWEEP_EVERY_MS) {
      this.lastSweep = Date.now();
      await this.expireStale();
    }
    const call: Call = { tokens: req.tokens, usd: this.holdUsd(req.tokens, req.outputTokens), scopes, purpose: req.purpose, key: req.key ?? null, campaign: req.scopes.campaign ?? null };
    if (!this.pricing && scopes.some((sc) => this.usdLimitFor(sc) !== null)) {
      throw new UsageError(`a dollar budget is set (${scopes.filter((sc) => this.usdLimitFor(sc) !== null).join(', ')}) but this process prices no model: configure the model (and GLOBALLM_PRICES_FILE) or unset the dollar cap`);
    }
    try {
      return await this.tryReserve(call);
    } catch (err) {
      // A crashed worker's stale hold may be what is in the way: free those, then try once more.
      if (err instanceof ScopeExhausted && (await this.expireStale()) > 0) return this.tryReserve(call);
      throw err;
    }
  }

  private async tryReserve(call: Call): Promise<Reservation> {
    const { tokens, usd, scopes, purpose } = call;
    const period = this.periodStart();
    const limits = scopes.map((s) => this.limitFor(s));
    const usdLimits = scopes.map((s) => this.usdLimitFor(s));
    const id = randomUUID();
    await inTransaction(this.pool, async (c) => {
      if (call.campaign !== null) await checkCampaignCaps(c, call.campaign, tokens, usd);
      await ensureScopeRows(c, { scopes, period, limits, usdLimits });
      await lockScopes(c, scopes, period);
      // Tokens and dollars are held together, on the same locked rows: both fit, or nothing is held.
      const granted = await holdOnScopes(c, { scopes, period, tokens, usd, limits, usdLimits });
      if (granted.length !== scopes.length) {
        const ok = new Set(granted);
        const missing = scopes.find((s) => !ok.has(s)) ?? scopes[0] ?? 'week';
        // Throwing rolls the transaction back: the scopes that had room hold nothing either.
        throw await this.exhausted(c, missing, period, call);
      }
      await insertHold(c, { id, scopes, period, tokens, purpose, key: call.key, campaign: call.campaign, usd });
    });
    return { id, tokens, scopes };
  }

  /** Which cap of the scope had no room (tokens or dollars), said with its figures. */
  private async exhausted(c: pg.PoolClient, scope: string, period: Date, call: Call): Promise<ScopeExhausted> {
    const r = (await scopeUse(c, scope, period)) ?? { used_tokens: '0', reserved_tokens: '0', used_usd: '0', reserved_usd: '0' };
    const week = `week of ${period.toISOString().slice(0, 10)}`;
    const usdLimit = this.usdLimitFor(scope);
    const tokensFit = Number(r.used_tokens) + Number(r.reserved_tokens) + call.tokens <= this.limitFor(scope);
    if (tokensFit && usdLimit !== null) {
      return new ScopeExhausted(scope, `dollar budget exhausted for ${scope} (${week}): $${Number(r.used_usd)} used + $${Number(r.reserved_usd)} reserved + $${call.usd} requested > $${usdLimit} limit`);
    }
    return new ScopeExhausted(scope, `token budget exhausted for ${scope} (${week}): `
      + `${r.used_tokens} used + ${r.reserved_tokens} reserved + ${call.tokens} requested > ${this.limitFor(scope)} limit`);
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
      const heldUsd = r.state === 'held' ? r.hold_usd : '0';
      if (charge > Number(r.tokens)) log.warn({ reservation: id, reserved: Number(r.tokens), charged: charge }, 'usage exceeded its reservation: charged anyway');
      await lockScopes(c, r.scopes, r.period_start);
      await chargeScopes(c, { scopes: r.scopes, period: r.period_start, charged: charge, held, usd: dollars, heldUsd });
      await markSettled(c, { id, usage: u, charged: charge, model: this.pricing?.model ?? null, costUsd: this.pricing ? dollars : null });
    });
  }

  /**
   * Keeps the provider's usage on a hold the moment the call returns, before settling: if the
   * settle then fails (or the worker dies), the retry or the sweep charges exactly this usage.
   */
  async recordUsage(reservationId: string, usage: TokenUsage): Promise<void> {
    const id = parse(ReservationId, reservationId, 'reservation id');
    const u = parse(UsageSchema, usage, 'token usage');
    await recordActual(this.pool, id, u);
  }

  /**
   * Settles the holds an earlier attempt of the same activity left (their keys start with
   * `keyPrefix` and carry an attempt number below `attempt`): with the usage recorded for the call;
   * when the answer was never recorded, with what the provider says it billed for the hold
   * (stored completions); when the provider stored nothing yet, the hold stays for the sweep to ask
   * again after the TTL (the call may still be finishing); when it cannot say, with the whole hold,
   * since the call may have been paid. Returns how many it settled.
   */
  async settleEarlierAttempts(keyPrefix: string, attempt: number): Promise<number> {
    const rows = await earlierAttemptHolds<TokenUsage>(this.pool, keyPrefix, attempt);
    let settled = 0;
    for (const r of rows) {
      const usage = r.actual ?? (await this.unrecordedUsage(r.id, Number(r.tokens)));
      if (usage === null) continue;
      await this.settle(r.id, usage);
      settled += 1;
    }
    if (rows.length > 0) log.warn({ keyPrefix, attempt, settled, left: rows.length - settled }, 'settled holds left by an earlier attempt');
    return settled;
  }

  /**
   * What to charge a hold whose answer was never recorded: the provider's stored usage; null when
   * it stored none (nothing to charge yet); the whole hold when there is no lookup or it failed.
   */
  private async unrecordedUsage(id: string, tokens: number): Promise<TokenUsage | null> {
    const whole: TokenUsage = { inputTokens: tokens, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
    const stored = await this.askProvider(id);
    if (stored === undefined) return whole;
    return stored.calls > 0 ? stored.usage : null;
  }

  /** The provider's stored usage for a hold; undefined when there is no lookup or it failed (logged). */
  private async askProvider(id: string): Promise<{ usage: TokenUsage; calls: number } | undefined> {
    if (!this.lookup) return undefined;
    try {
      const stored = await this.lookup.storedUsage(id);
      return { usage: parse(UsageSchema, stored.usage, 'stored usage'), calls: stored.calls };
    } catch (err) {
      log.warn({ reservation: id, err: (err as Error).message }, 'could not look up the usage the provider stored for a hold');
      return undefined;
    }
  }

  /**
   * Before the TTL frees unanswered holds: charges each one the provider stored completions for
   * exactly what it billed. Those it stored nothing for (or cannot say about) are left to expire.
   */
  private async settleStoredStale(ttlSeconds: number): Promise<number> {
    if (!this.lookup) return 0;
    const stale = await staleUnansweredHolds(this.pool, ttlSeconds, LOOKUPS_PER_SWEEP);
    let settled = 0;
    for (const r of stale) {
      const stored = await this.askProvider(r.id);
      if (!stored || stored.calls === 0) continue;
      await this.settle(r.id, stored.usage);
      settled += 1;
    }
    return settled;
  }

  async release(reservationId: string): Promise<void> {
    const id = parse(ReservationId, reservationId, 'reservation id');
    await inTransaction(this.pool, async (c) => {
      const r = await this.lockReservation(c, id);
      if (r.state !== 'held') return; // released, expired (freed already) or settled (charged: nothing to free)
      await lockScopes(c, r.scopes, r.period_start);
      await freeScopes(c, r.scopes, r.period_start, r.tokens, r.hold_usd);
      await markReleased(c, id);
    });
  }

  /**
   * Charges the holds older than `graceSeconds` whose call answered (its usage recorded) but was
   * never settled, its worker having died in between: exactly the recorded usage, at once rather
   * than after the TTL. Settling is idempotent, so a live worker settling the same hold charges
   * nothing twice. Returns how many it settled.
   */
  async settleAnswered(graceSeconds: number): Promise<number> {
    if (!Number.isFinite(graceSeconds) || graceSeconds < 0) throw new UsageError('graceSeconds must be a non-negative number');
    const answered = await answeredHolds<TokenUsage>(this.pool, graceSeconds);
    for (const r of answered) await this.settle(r.id, r.actual);
    return answered.length;
  }

  /**
   * Frees holds older than the TTL (their worker crashed before settling or releasing); returns
   * how many. Holds being settled right now are skipped, not waited for.
   */
  async expireStale(ttlSeconds: number = this.config.reservationTtlSeconds): Promise<number> {
    if (!Number.isFinite(ttlSeconds) || ttlSeconds < 0) throw new UsageError('ttlSeconds must be a non-negative number');
    // Stale holds whose call answered (usage recorded) were paid: charge them rather than free them.
    await this.settleAnswered(ttlSeconds);
    await this.settleStoredStale(ttlSeconds);
    return inTransaction(this.pool, async (c) => {
      const expired = await expireHolds(c, ttlSeconds);
      const freed = new Map<string, { scope: string; period: Date; tokens: bigint; micro: bigint }>();
      for (const r of expired) {
        for (const scope of r.scopes) {
          const key = `${r.period_start.toISOString()} ${scope}`;
          const cur = freed.get(key) ?? { scope, period: r.period_start, tokens: 0n, micro: 0n };
          cur.tokens += BigInt(r.tokens);
          cur.micro += BigInt(r.hold_micro);
          freed.set(key, cur);
        }
      }
      for (const key of [...freed.keys()].sort()) {
        const f = freed.get(key);
        if (f) {
          await freeScopeMicro(c, f.scope, f.period, f.tokens.toString(), f.micro.toString());
        }
      }
      if (expired.length) log.warn({ expired: expired.length }, 'expired stale budget reservations');
      return expired.length;
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
      await ensureIssueCount(c, scope, period, limit);
      if (!(await addAdmission(c, scope, period, issue))) return { count: await issuesUsed(c, scope, period), alreadyAdmitted: true };
      const count = await countIssue(c, scope, period, limit);
      if (count === undefined) throw new ScopeExhausted(scope, `issue budget exhausted for ${scope} (week of ${period.toISOString().slice(0, 10)}): ${limit} issues a week`);
      return { count, alreadyAdmitted: false };
    });
  }

  private async lockReservation(c: pg.PoolClient, id: string): Promise<HeldRow> {
    const r = await lockHold(c, id);
    if (!r) throw new NotFound(`no budget reservation ${id}`);
    return r;
  }
}
