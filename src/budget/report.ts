import type pg from 'pg';
import { heldCount } from '../db/budget-holds.js';
import { issueCountRows } from '../db/budget-issues.js';
import { scopeRows } from '../db/budgets.js';
import { campaignSpendRows } from '../db/campaign-budgets.js';
import { isoWeekStart } from './period.js';
import { WEEK_SCOPE, scopeKind } from './scopes.js';
import type { ResolvedBudgetConfig } from './schema.js';

export interface TokenScopeUse {
  scope: string;
  limit: number;
  used: number;
  reserved: number;
  /** Tokens charged beyond the limit by settles that exceeded their reservation. */
  overshoot: number;
  remaining: number;
  /** US dollars charged this week (calls priced by the model's price table). */
  usedUsd: number;
  /** Dollars held by calls in flight (what each may cost at most). */
  reservedUsd: number;
  /** The dollar cap, or null when the scope has none. */
  limitUsd: number | null;
  /** Dollars left under the cap, or null when there is none. */
  remainingUsd: number | null;
}

export interface LanguageUse extends TokenScopeUse {
  language: string;
  issuesLimit: number;
  issuesUsed: number;
  issuesRemaining: number;
}

export interface BudgetReport {
  periodStart: string;
  week: TokenScopeUse;
  repositories: TokenScopeUse[];
  languages: LanguageUse[];
  /** The latest campaigns' own caps (`--token-budget`, `--usd-budget`), over each campaign's life. */
  campaigns: TokenScopeUse[];
  heldReservations: number;
}

interface Dollars { used: number; reserved: number; limit: number | null }
const NO_DOLLARS: Dollars = { used: 0, reserved: 0, limit: null };

/** Dollars to the micro-dollar PostgreSQL keeps (no float dust in what is shown). */
const micro = (x: number): number => Math.round(x * 1e6) / 1e6;

function use(scope: string, limit: number, used = 0, reserved = 0, overshoot = 0, usd: Dollars = NO_DOLLARS): TokenScopeUse {
  return {
    scope, limit, used, reserved, overshoot, remaining: Math.max(0, limit - used - reserved),
    usedUsd: micro(usd.used), reservedUsd: micro(usd.reserved), limitUsd: usd.limit,
    remainingUsd: usd.limit === null ? null : Math.max(0, micro(usd.limit - usd.used - usd.reserved)),
  };
}

const dollarsOf = (used: string, reserved: string, limit: string | null): Dollars => ({ used: Number(used), reserved: Number(reserved), limit: limit === null ? null : Number(limit) });

/** What is used and what remains this week, per scope, read from the database. */
export async function budgetReport(pool: pg.Pool, config: ResolvedBudgetConfig, now: Date = new Date()): Promise<BudgetReport> {
  const period = isoWeekStart(now);
  const [tokens, issues, held, campaigns] = await Promise.all([scopeRows(pool, period), issueCountRows(pool, period), heldCount(pool, period), campaignSpendRows(pool)]);
  const byScope = new Map(tokens.map((r) => [r.scope, use(r.scope, Number(r.limit_tokens), Number(r.used_tokens), Number(r.reserved_tokens), Number(r.overshoot_tokens), dollarsOf(r.used_usd, r.reserved_usd, r.limit_usd))]));
  const issueCounts = new Map(issues.map((r) => [r.scope, r]));
  const languageScopes = new Set([...byScope.keys(), ...issueCounts.keys()].filter((s) => s.startsWith('language:')));
  const languages = [...languageScopes].sort().map((scope): LanguageUse => {
    const t = byScope.get(scope) ?? use(scope, config.languageTokens, 0, 0, 0, { ...NO_DOLLARS, limit: config.languageUsd ?? null });
    const c = issueCounts.get(scope);
    const issuesLimit = c?.limit_issues ?? config.languageIssues;
    const issuesUsed = c?.used_issues ?? 0;
    return { ...t, language: scope.slice('language:'.length), issuesLimit, issuesUsed, issuesRemaining: Math.max(0, issuesLimit - issuesUsed) };
  });
  return {
    periodStart: period.toISOString(),
    week: byScope.get(WEEK_SCOPE) ?? use(WEEK_SCOPE, config.weeklyTokens, 0, 0, 0, { ...NO_DOLLARS, limit: config.weeklyUsd ?? null }),
    repositories: [...byScope.values()].filter((s) => scopeKind(s.scope) === 'repo'),
    languages,
    campaigns: campaigns.map((c) => use(`campaign:${c.id}`, Number(c.token_budget), Number(c.spent), Number(c.held), 0, dollarsOf(c.spent_usd, c.held_usd, c.usd_budget))),
    heldReservations: held,
  };
}
