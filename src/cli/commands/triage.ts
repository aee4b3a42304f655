import { open, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { UsageError } from '../../errors.js';
import { jsonLine } from '../output.js';
import { LlmIssueAnalyzer, type AnalysisOutcome } from '../../analysis/llm/analyzer.js';
import { OfflineAnalyzer } from '../../analysis/offline/analyzer.js';
import { IssueInput, type IssueAnalysis } from '../../analysis/schema.js';
import type { IssueAnalyzer } from '../../analysis/types.js';
import { DEFAULT_MEMORY_BUDGET_TOKENS, MemoryTokenBudget } from '../../budget/memory-budget.js';
import { loadConfig } from '../../config/load.js';
import { createLlmProvider, type LlmConfig } from '../../llm/registry.js';
import { noProgress, progressBar, type Progress } from '../progress.js';

export const TriageOptions = z.object({
  input: z.string({ error: 'missing --input FILE.jsonl (or - for stdin)' }).min(1, 'missing --input FILE.jsonl (or - for stdin)'),
  analyzer: z.string().default('offline'),
  json: z.boolean().default(false),
  /** Token cap for the run's in-memory budget (the llm analyzer only). */
  budget: z.coerce.number({ error: '--budget must be a number of tokens' }).int('--budget must be a whole number of tokens')
    .positive('--budget must be positive').default(DEFAULT_MEMORY_BUDGET_TOKENS),
});
export type TriageOptions = z.input<typeof TriageOptions>;

export interface TriageIo {
  stdin: NodeJS.ReadableStream;
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  /** Progress over the input's lines (files of LARGE_TRIAGE_INPUT lines or more). */
  progress?: (label: string) => Progress;
}

/** From this many lines on, a file input shows progress. */
export const LARGE_TRIAGE_INPUT = 200;

/** Lines in a file input, for the progress total; undefined for stdin and small files. */
async function largeInputLines(input: string): Promise<number | undefined> {
  if (input === '-') return undefined;
  const text = await readFile(input, 'utf8').catch(() => '');
  const lines = text.split('\n').filter((l) => l.trim() !== '').length;
  return lines >= LARGE_TRIAGE_INPUT ? lines : undefined;
}

export interface TriageSummary {
  analyzed: number;
  failed: number;
}

export interface AnalyzerSetup {
  /** Provider settings; read from the environment when absent. */
  config?: LlmConfig;
  budgetTokens?: number;
}

/**
 * Picks the analyzer named on the command line. `llm` uses the provider the configuration names,
 * under an in-memory token budget for this run; with no room left it falls back to offline, noted.
 */
export function selectAnalyzer(name: string, setup: AnalyzerSetup = {}): IssueAnalyzer {
  if (name === 'offline') return new OfflineAnalyzer();
  if (name === 'llm') {
    const provider = createLlmProvider(setup.config ?? loadConfig(process.env));
    if (!provider) throw new UsageError('no LLM provider is configured (set ANTHROPIC_API_KEY or OPENAI_BASE_URL); use --analyzer offline');
    // One run's issues are charged to one budget, so batches may mix repositories.
    return new LlmIssueAnalyzer({ provider, budget: new MemoryTokenBudget(setup.budgetTokens ?? DEFAULT_MEMORY_BUDGET_TOKENS) });
  }
  throw new UsageError(`unknown analyzer "${name}" (expected offline or llm)`);
}

/** Analyzes several issues: in one batch when the analyzer can, else one by one. UsageError aborts the run. */
async function analyzeMany(analyzer: IssueAnalyzer, issues: IssueInput[]): Promise<AnalysisOutcome[]> {
  if (analyzer instanceof LlmIssueAnalyzer) return analyzer.analyzeBatch(issues);
  const out: AnalysisOutcome[] = [];
  for (const issue of issues) {
    try {
      out.push({ ok: true, analysis: await analyzer.analyze(issue) });
    } catch (err) {
      if (err instanceof UsageError) throw err;
      out.push({ ok: false, error: err instanceof Error ? err.message : String(err), retryable: false });
    }
  }
  return out;
}

function describeLineProblem(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`).join('; ');
}

/** Parses one JSON line into an issue, or says why it cannot be one. */
export function parseIssueLine(text: string): { issue: IssueInput } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'not valid JSON' };
  }
  const parsed = IssueInput.safeParse(value);
  return parsed.success ? { issue: parsed.data } : { error: describeLineProblem(parsed.error) };
}

function readableLine(line: number, issue: IssueInput, a: IssueAnalysis, note: string | undefined): string {
  const where = issue.repo ? `${issue.repo}${issue.number ? `#${issue.number}` : ''} ` : '';
  const title = issue.title.replace(/\s+/g, ' ').slice(0, 80);
  return `line ${line}: ${where}[${a.category}${a.critical ? ', critical' : ''}] complexity=${a.complexity} solvability=${a.solvability} `
    + `risk=${a.breakingChangeRisk} test=${a.testNeeded ? 'yes' : 'no'} confidence=${a.confidence} files=${a.affectedFiles.join(',') || '-'} "${title}"${note ? ` (${note})` : ''}\n`;
}

async function openInput(input: string, stdin: NodeJS.ReadableStream): Promise<{ stream: NodeJS.ReadableStream; close: () => Promise<void> }> {
  if (input === '-') return { stream: stdin, close: () => Promise.resolve() };
  try {
    const handle = await open(input, 'r');
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      throw new UsageError(`cannot read --input ${input}: not a file`);
    }
    return { stream: handle.createReadStream({ encoding: 'utf8' }), close: () => handle.close().catch(() => undefined) };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read --input ${input}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: err });
  }
}

/**
 * Analyzes every JSON line of the input: one result per non-blank line, in order. A bad line gives an
 * error record naming its line number and reason, and the rest are still analyzed.
 */
export async function runTriage(options: TriageOptions, io: TriageIo,
  analyzerFor: (name: string, setup?: AnalyzerSetup) => IssueAnalyzer = selectAnalyzer): Promise<TriageSummary> {
  const opts = TriageOptions.safeParse(options);
  if (!opts.success) throw new UsageError(describeLineProblem(opts.error));
  const analyzer = analyzerFor(opts.data.analyzer, { budgetTokens: opts.data.budget });
  // Lines wait in order until a batch is full, so output order always follows input order.
  const batchSize = analyzer instanceof LlmIssueAnalyzer ? analyzer.batchSize : 1;
  const { stream, close } = await openInput(opts.data.input, io.stdin);
  const total = await largeInputLines(opts.data.input);
  const progress = total !== undefined && io.progress ? io.progress('triage') : noProgress;
  const summary: TriageSummary = { analyzed: 0, failed: 0 };
  const fail = (line: number, error: string): void => {
    summary.failed++;
    progress.update(summary.analyzed + summary.failed, total ?? 0);
    if (opts.data.json) io.stdout.write(jsonLine({ line, error }));
    else io.stderr.write(`line ${line}: error: ${error}\n`);
  };
  type Pending = { line: number; issue: IssueInput } | { line: number; error: string };
  let pending: Pending[] = [];
  const flush = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    const issues = batch.flatMap((p) => ('issue' in p ? [p.issue] : []));
    const outcomes = issues.length > 0 ? await analyzeMany(analyzer, issues) : [];
    let k = 0;
    for (const p of batch) {
      if ('error' in p) {
        fail(p.line, p.error);
        continue;
      }
      const outcome = outcomes[k++];
      if (!outcome || !outcome.ok) {
        fail(p.line, `analysis failed: ${outcome?.error ?? 'no result'}`);
        continue;
      }
      summary.analyzed++;
      progress.update(summary.analyzed + summary.failed, total ?? 0);
      const { analysis, note } = outcome;
      const { repo, number } = p.issue;
      if (opts.data.json) io.stdout.write(jsonLine({ line: p.line, ...(repo ? { repo } : {}), ...(number ? { number } : {}), analysis, ...(note ? { note } : {}) }));
      else io.stdout.write(readableLine(p.line, p.issue, analysis, note));
    }
  };
  try {
    let line = 0;
    let waiting = 0;
    for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
      line++;
      if (text.trim() === '') continue;
      const parsed = parseIssueLine(text);
      pending.push('error' in parsed ? { line, error: parsed.error } : { line, issue: parsed.issue });
      if ('issue' in parsed) waiting++;
      if (waiting >= batchSize) {
        waiting = 0;
        await flush();
      }
    }
    await flush();
  } finally {
    progress.stop();
    await close();
  }
  return summary;
}

export interface TriageFlags { input?: string; analyzer: string; json: boolean; budget?: string }

export async function triageAction(raw: TriageFlags): Promise<void> {
  if (raw.input === undefined) throw new UsageError('missing --input FILE.jsonl (or - for stdin)');
  const summary = await runTriage({ input: raw.input, analyzer: raw.analyzer, json: raw.json, ...(raw.budget !== undefined ? { budget: raw.budget } : {}) },
    { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, progress: progressBar });
  if (summary.failed > 0) throw new Error(`${summary.failed} of ${summary.failed + summary.analyzed} line(s) could not be analyzed`);
}
