import type pg from 'pg';
import { budgetReport, type BudgetReport, type TokenScopeUse } from '../../budget/report.js';
import { parseBudgetConfig } from '../../budget/schema.js';
import { openPool } from '../../db/pool.js';
import { cliContext } from '../context.js';
import { budgetConfig } from '../../budget/from-config.js';
import { jsonDocument, printJson } from '../output.js';

const n = (x: number): string => x.toLocaleString('en-US');
const dollars = (x: number): string => `$${x.toFixed(4)}`;

/** Dollars spent, and against a dollar cap what is held and left. */
function dollarPart(s: TokenScopeUse): string {
  const spent = dollars(s.usedUsd).padStart(10);
  if (s.limitUsd === null) return spent;
  return `${spent} used  ${dollars(s.reservedUsd)} held  ${dollars(s.remainingUsd ?? 0)} left of ${dollars(s.limitUsd)}`;
}

function tokenLine(label: string, s: TokenScopeUse): string {
  const over = s.overshoot > 0 ? `  (overshoot ${n(s.overshoot)})` : '';
  return `  ${label.padEnd(40)} ${n(s.used).padStart(12)} used  ${n(s.reserved).padStart(10)} held  ${n(s.remaining).padStart(12)} left of ${n(s.limit)}  ${dollarPart(s)}${over}`;
}

export function renderBudget(r: BudgetReport): string {
  const lines = [`Token budget, week of ${r.periodStart.slice(0, 10)} (${r.heldReservations} reservation(s) held)`, tokenLine('week', r.week)];
  lines.push('Repositories:');
  if (r.repositories.length === 0) lines.push('  (none charged this week)');
  for (const s of r.repositories) lines.push(tokenLine(s.scope.slice('repo:'.length), s));
  lines.push('Languages:');
  if (r.languages.length === 0) lines.push('  (none charged this week)');
  for (const l of r.languages) lines.push(`${tokenLine(l.language, l)}  issues ${l.issuesUsed}/${l.issuesLimit} (${l.issuesRemaining} left)`);
  if (r.campaigns.length > 0) {
    lines.push('Campaigns (--token-budget, --usd-budget, whole campaign):');
    for (const c of r.campaigns) lines.push(tokenLine(c.scope.slice('campaign:'.length), c));
  }
  return `${lines.join('\n')}\n`;
}

/** `budget show` without the process around it: returns what it prints. */
export async function budgetShowHandler(pool: pg.Pool, options: { json?: boolean; config?: unknown; now?: Date } = {}): Promise<string> {
  const report = await budgetReport(pool, parseBudgetConfig(options.config ?? {}), options.now ?? new Date());
  return options.json ? jsonDocument(report) : renderBudget(report);
}

export async function budgetShowAction(opts: { json?: boolean }): Promise<void> {
  const { config, endpoints } = cliContext();
  const pool = await openPool(endpoints.databaseUrl, { max: 3 });
  try {
    if (opts.json) printJson(await budgetReport(pool, parseBudgetConfig(budgetConfig(config))));
    else process.stdout.write(await budgetShowHandler(pool, { config: budgetConfig(config) }));
  } finally {
    await pool.end();
  }
}
