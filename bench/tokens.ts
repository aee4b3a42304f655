// `npm run bench -- tokens [--batch N] [--cap N]`: tokens per analyzed issue for the LLM analyzer, through
// the real SDK clients against the LLM stand-in (usage counted with a real tokenizer, prompt caching on).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LlmIssueAnalyzer, DEFAULT_BATCH_SIZE, DEFAULT_ISSUE_TOKEN_CAP } from '../src/analysis/llm/analyzer.js';
import { TRIAGE_TOOL_NAME } from '../src/analysis/llm/prompt.js';
import { IssueInput } from '../src/analysis/schema.js';
import { MemoryTokenBudget } from '../src/budget/memory-budget.js';
import { AnthropicProvider } from '../src/llm/anthropic.js';
import { OpenAiProvider } from '../src/llm/openai.js';
import type { LlmProvider } from '../src/llm/types.js';
import { startLlmStandIn, type ScriptRequest, type StaticRespond } from '../src/sim/llm/server.js';

/** A current model the stand-in lists (token counts do not depend on it). */
const MODEL = 'claude-haiku-4-5';

const CATEGORY_WORDS: Array<[RegExp, string]> = [
  [/security|leak|secret|dos vector/i, 'security'],
  [/slower|performance|memory leak|threads/i, 'performance'],
  [/typo|document|readme|docs/i, 'documentation'],
  [/flaky test|test fails/i, 'test'],
  [/refactor/i, 'refactor'],
  [/bump|dependenc/i, 'dependency'],
  [/build fails|jpms|module-info|go\.mod/i, 'build'],
  [/how do i|is there a way|\?$/i, 'question'],
  [/crash|panic|error|exception|wrong|not |drops|loses|fails|hangs|leak/i, 'bug'],
  [/support|add |would be|please|proposal|rfc/i, 'feature'],
];

const PATH = /(?<![\w/.-])(?:[\w-]+\/)+[\w-]+\.(?:ts|tsx|js|py|rb|go|rs|java|gradle|yml)\b/g;

/** A plausible model answer for one quoted issue: what a real model would say, at a real model's length. */
function itemFor(ref: number, text: string): Record<string, unknown> {
  const [title = ''] = text.split('\n');
  const category = CATEGORY_WORDS.find(([re]) => re.test(text))?.[1] ?? 'other';
  const files = [...new Set(text.match(PATH) ?? [])].filter((p) => !/node_modules|site-packages|gems\//.test(p)).slice(0, 3);
  const why = title.replace(/[^\w\s.-]/g, ' ').split(/\s+/).filter(Boolean).slice(0, 10).join(' ') || 'unclear report';
  const critical = category === 'security' || /crash|panic|data loss|out of memory/i.test(text);
  return {
    ref, cat: category, crit: critical, cx: Math.min(10, 2 + files.length + Math.floor(text.length / 600)), solv: files.length > 0 ? 7 : 4,
    files, risk: /breaking|drop support|rfc/i.test(text) ? 'high' : 'low', test: category === 'bug' || category === 'security', conf: 7, why,
  };
}

function answer(request: ScriptRequest): StaticRespond {
  const user = request.messages.filter((m) => m.role === 'user').at(-1)?.text ?? '';
  const items = [...user.matchAll(/<issue ref="(\d+)">\n([\s\S]*?)\n<\/issue>/g)].map((m) => itemFor(Number(m[1]), m[2] ?? ''));
  return { toolUse: { name: TRIAGE_TOOL_NAME, input: { a: items } } };
}

function flag(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

async function measure(issues: IssueInput[], make: (url: string) => LlmProvider, batchSize: number, issueTokenCap: number, groupByRepo = true): Promise<Record<string, string>> {
  const sim = await startLlmStandIn({ script: [{ id: 'triage', match: { tool: TRIAGE_TOOL_NAME }, respond: answer }] });
  try {
    const budget = new MemoryTokenBudget(50_000_000);
    const analyzer = new LlmIssueAnalyzer({ provider: make(sim.url), budget, batchSize, issueTokenCap, groupByRepo });
    const outcomes = await analyzer.analyzeBatch(issues);
    const failed = outcomes.filter((o) => !o.ok).length;
    const t = sim.usageTotals;
    const total = t.inputTokens + t.outputTokens + t.cacheReadInputTokens + t.cacheCreationInputTokens;
    if (total !== budget.totals().charged) throw new Error(`budget charged ${budget.totals().charged} but the API reported ${total}`);
    const n = issues.length;
    return {
      tokens_per_issue: (total / n).toFixed(1),
      input_per_issue: ((t.inputTokens + t.cacheReadInputTokens + t.cacheCreationInputTokens) / n).toFixed(1),
      output_per_issue: (t.outputTokens / n).toFixed(1),
      calls: String(t.requests),
      mean_batch: (n / t.requests).toFixed(1),
      failed: String(failed),
    };
  } finally {
    await sim.close();
  }
}

export default async function (args: string[]): Promise<void> {
  const batchSize = flag(args, '--batch', DEFAULT_BATCH_SIZE);
  const cap = flag(args, '--cap', DEFAULT_ISSUE_TOKEN_CAP);
  const file = fileURLToPath(new URL('./data/issues.jsonl', import.meta.url));
  const issues = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => IssueInput.parse(JSON.parse(l)));
  const anthropicAt = (url: string): LlmProvider => new AnthropicProvider({ apiKey: 'bench', baseURL: url, model: MODEL });
  const anthropic = await measure(issues, anthropicAt, batchSize, cap);
  const openai = await measure(issues, (url) => new OpenAiProvider({ apiKey: 'bench', baseURL: `${url}/v1` }), batchSize, cap);
  // Batches that mix repositories fill up: the figure for input spread thinly over many repositories.
  const mixed = await measure(issues, anthropicAt, batchSize, cap, false);
  process.stdout.write(`issues=${issues.length}\nbatch_size=${batchSize}\nissue_token_cap=${cap}\n`);
  for (const [k, v] of Object.entries(anthropic)) process.stdout.write(`${k}=${v}\n`);
  for (const [k, v] of Object.entries(openai)) process.stdout.write(`openai_${k}=${v}\n`);
  for (const [k, v] of Object.entries(mixed)) process.stdout.write(`mixed_repos_${k}=${v}\n`);
}
