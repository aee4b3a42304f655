// `npm run bench -- budget`: 64 workers, each with its own connection pool, race for the last
// tokens of a budget; after every granted reservation is settled, prints how far usage went past
// the limit (the goal is 0, always), plus how many reservations were granted and refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresTokenBudget } from '../src/budget/postgres-budget.js';
import { migrateUp } from '../src/db/migrate.js';
import { BudgetExhausted } from '../src/errors.js';
import { startEmbeddedPostgres } from '../src/stack/postgres.js';
import { freePort } from '../src/util/ports.js';

const WORKERS = 64;
interface Round { limit: number; prefill: number; minTokens: number; maxTokens: number; scopes: { repo?: string; language?: string } }
const ROUNDS: Round[] = [
  { limit: 5_000_000, prefill: 4_990_000, minTokens: 100, maxTokens: 1_000, scopes: {} },
  { limit: 100_000, prefill: 60_000, minTokens: 1_000, maxTokens: 4_000, scopes: { repo: 'bench/repo' } },
  { limit: 64, prefill: 0, minTokens: 1, maxTokens: 3, scopes: { repo: 'bench/tiny', language: 'go' } },
  { limit: 1_000_000, prefill: 999_999, minTokens: 1, maxTokens: 2, scopes: { language: 'rust' } },
  { limit: 50_000, prefill: 0, minTokens: 700, maxTokens: 1_500, scopes: { repo: 'bench/mid', language: 'python' } },
];

export default async function (_args: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'globallm-bench-budget-'));
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), database: 'globallm_bench', ephemeral: true });
  const pools = Array.from({ length: WORKERS }, () => new pg.Pool({ connectionString: server.url, max: 1 }));
  for (const p of pools) p.on('error', () => { /* idle clients die with the server at the end */ });
  let totalOverspend = 0;
  let totalGranted = 0;
  let totalRefused = 0;
  try {
    await migrateUp(server.url);
    for (const [k, round] of ROUNDS.entries()) {
      const now = new Date(Date.UTC(2031, 0, 6) + k * 7 * 86_400_000); // its own week
      const config = { weeklyTokens: round.limit, repoTokens: round.limit, languageTokens: round.limit };
      const budgets = pools.map((p) => new PostgresTokenBudget(p, { config, now: () => now }));
      const first = budgets[0];
      if (!first) throw new Error('no workers');
      if (round.prefill > 0) {
        const r = await first.reserve({ tokens: round.prefill, scopes: round.scopes, purpose: 'prefill' });
        await first.settle(r.id, { inputTokens: round.prefill, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
      }
      const started = performance.now();
      const sizes = budgets.map((_, i) => round.minTokens + ((i * 7919) % (round.maxTokens - round.minTokens + 1)));
      const results = await Promise.allSettled(budgets.map((b, i) => b.reserve({ tokens: sizes[i] ?? 1, scopes: round.scopes, purpose: 'race' })));
      let granted = 0;
      let refused = 0;
      await Promise.all(results.map(async (r, i) => {
        if (r.status === 'rejected') {
          if (!(r.reason instanceof BudgetExhausted)) throw r.reason;
          refused++;
          return;
        }
        granted++;
        // Actual usage is at most the reservation (reservations are sized as an upper bound).
        const actual = r.value.tokens - (i % 3 === 0 ? 0 : Math.floor(r.value.tokens / 4));
        await budgets[i]!.settle(r.value.id, { inputTokens: actual, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
      }));
      const ms = performance.now() - started;
      const period = first.periodStart();
      const res = await pools[0]!.query<{ scope: string; limit_tokens: string; used_tokens: string; reserved_tokens: string }>(
        'SELECT scope, limit_tokens, used_tokens, reserved_tokens FROM budgets WHERE period_start = $1', [period]);
      const overspend = Math.max(0, ...res.rows.map((x) => Number(x.used_tokens) - Number(x.limit_tokens)));
      const stillHeld = res.rows.reduce((sum, x) => sum + Number(x.reserved_tokens), 0);
      if (stillHeld !== 0) throw new Error(`round ${k + 1}: ${stillHeld} tokens still held after settling every reservation`);
      totalOverspend += overspend;
      totalGranted += granted;
      totalRefused += refused;
      process.stdout.write(`round${k + 1}_limit=${round.limit}\nround${k + 1}_overspend_tokens=${overspend}\nround${k + 1}_granted=${granted}\nround${k + 1}_refused=${refused}\nround${k + 1}_ms=${ms.toFixed(0)}\n`);
    }
    process.stdout.write(`overspend_tokens=${totalOverspend}\ngranted=${totalGranted}\nrefused=${totalRefused}\n`);
  } finally {
    await Promise.all(pools.map((p) => p.end()));
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
