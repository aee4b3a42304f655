import { z } from 'zod';
import { UsageError } from '../errors.js';

/** Tokens of one model call (or a sum of them), as the provider counted them. */
export const TokenUsage = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative(),
  cacheWriteTokens: z.number().int().nonnegative(),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

const Tokens = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** US dollars, to the micro-dollar PostgreSQL keeps (numeric(14, 6)). */
export const Usd = z.number().nonnegative().finite().max(99_999_999).transform((v) => Math.round(v * 1e6) / 1e6);

/**
 * Weekly budget limits. Tokens are input + output + cache read + cache write as the API reports
 * them; `languageIssues` is a count of issues analysed or fixed per language per week, kept
 * apart from tokens. `languageTokens` bounds tokens per language (by default the weekly limit,
 * so it only reports unless set lower).
 */
export const BudgetConfig = z.object({
  weeklyTokens: Tokens.default(5_000_000),
  repoTokens: Tokens.default(100_000),
  languageTokens: Tokens.optional(),
  languageIssues: z.number().int().nonnegative().max(1_000_000_000).default(50),
  /** Dollar caps beside the token caps (absent: none); each call holds what it may cost at most. */
  weeklyUsd: Usd.optional(),
  repoUsd: Usd.optional(),
  languageUsd: Usd.optional(),
  /** A held reservation older than this belongs to a crashed worker and is freed. */
  reservationTtlSeconds: z.number().int().positive().max(7 * 86_400).default(1_800),
}).strict();
export type BudgetConfig = z.infer<typeof BudgetConfig>;

/** A BudgetConfig with every limit resolved. */
export type ResolvedBudgetConfig = Omit<BudgetConfig, 'languageTokens'> & { languageTokens: number };

/** Validates budget settings; missing keys take the defaults; a bad value is a UsageError naming the key. */
export function parseBudgetConfig(input: unknown = {}): ResolvedBudgetConfig {
  const result = BudgetConfig.safeParse(input ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((i) => {
      const key = i.code === 'unrecognized_keys' ? i.keys.join(', ') : i.path.join('.');
      return `${key || 'budget'}: ${i.message}`;
    });
    throw new UsageError(`invalid budget config — ${problems.join('; ')}`);
  }
  const c = result.data;
  return { ...c, languageTokens: c.languageTokens ?? c.weeklyTokens };
}
