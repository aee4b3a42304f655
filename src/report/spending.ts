import type pg from 'pg';
import { settledCharges, type ChargeRow } from '../db/report.js';
import type { BurnPoint, SpendRow } from './types.js';

/** Tokens and dollars summed per name; a call counts once for each name it has. */
function spendBy(rows: ChargeRow[], names: (row: ChargeRow) => string[]): SpendRow[] {
  const by = new Map<string, SpendRow>();
  for (const row of rows) {
    for (const name of names(row)) {
      const s = by.get(name) ?? { name, tokens: 0, usd: 0 };
      s.tokens += Number(row.tokens);
      s.usd += Number(row.usd ?? 0);
      by.set(name, s);
    }
  }
  return [...by.values()].sort((a, b) => b.tokens - a.tokens || a.name.localeCompare(b.name));
}

const scoped = (prefix: string) => (row: ChargeRow): string[] => row.scopes.filter((s) => s.startsWith(prefix)).map((s) => s.slice(prefix.length));
/** Calls settled before prices were recorded have no model. */
const modelOf = (row: ChargeRow): string[] => [row.model ?? 'not recorded'];

/** Budget burn: cumulative tokens and dollars after each call, and totals per repository, language and model. */
export async function spending(pool: pg.Pool, repos: string[] | null): Promise<{ burn: BurnPoint[]; byRepo: SpendRow[]; byLanguage: SpendRow[]; byModel: SpendRow[] }> {
  const rows = await settledCharges(pool, repos);
  let tokens = 0;
  let usd = 0;
  const burn = rows.map((r) => {
    tokens += Number(r.tokens);
    usd += Number(r.usd ?? 0);
    return { at: r.at.toISOString(), tokens, usd };
  });
  return { burn, byRepo: spendBy(rows, scoped('repo:')), byLanguage: spendBy(rows, scoped('language:')), byModel: spendBy(rows, modelOf) };
}
