import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { z } from 'zod';
import { UsageError } from '../../errors.js';
import { OfflineAnalyzer } from '../../analysis/offline/analyzer.js';
import { IssueInput, type IssueAnalysis } from '../../analysis/schema.js';
import type { IssueAnalyzer } from '../../analysis/types.js';

export const TriageOptions = z.object({
  input: z.string({ error: 'missing --input FILE.jsonl (or - for stdin)' }).min(1, 'missing --input FILE.jsonl (or - for stdin)'),
  analyzer: z.string().default('offline'),
  json: z.boolean().default(false),
});
export type TriageOptions = z.input<typeof TriageOptions>;

export interface TriageIo {
  stdin: NodeJS.ReadableStream;
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

export interface TriageSummary {
  analyzed: number;
  failed: number;
}

/** Picks the analyzer named on the command line; the LLM one is not available in this build. */
export function selectAnalyzer(name: string): IssueAnalyzer {
  if (name === 'offline') return new OfflineAnalyzer();
  if (name === 'llm') throw new UsageError('no LLM provider is configured (set ANTHROPIC_API_KEY or OPENAI_BASE_URL); use --analyzer offline');
  throw new UsageError(`unknown analyzer "${name}" (expected offline or llm)`);
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

function readableLine(line: number, issue: IssueInput, a: IssueAnalysis): string {
  const where = issue.repo ? `${issue.repo}${issue.number ? `#${issue.number}` : ''} ` : '';
  const title = issue.title.replace(/\s+/g, ' ').slice(0, 80);
  return `line ${line}: ${where}[${a.category}${a.critical ? ', critical' : ''}] complexity=${a.complexity} solvability=${a.solvability} `
    + `risk=${a.breakingChangeRisk} test=${a.testNeeded ? 'yes' : 'no'} confidence=${a.confidence} files=${a.affectedFiles.join(',') || '-'} "${title}"\n`;
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
export async function runTriage(options: TriageOptions, io: TriageIo, analyzerFor: (name: string) => IssueAnalyzer = selectAnalyzer): Promise<TriageSummary> {
  const opts = TriageOptions.safeParse(options);
  if (!opts.success) throw new UsageError(describeLineProblem(opts.error));
  const analyzer = analyzerFor(opts.data.analyzer);
  const { stream, close } = await openInput(opts.data.input, io.stdin);
  const summary: TriageSummary = { analyzed: 0, failed: 0 };
  const fail = (line: number, error: string): void => {
    summary.failed++;
    if (opts.data.json) io.stdout.write(`${JSON.stringify({ line, error })}\n`);
    else io.stderr.write(`line ${line}: error: ${error}\n`);
  };
  try {
    let line = 0;
    for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
      line++;
      if (text.trim() === '') continue;
      const parsed = parseIssueLine(text);
      if ('error' in parsed) {
        fail(line, parsed.error);
        continue;
      }
      let analysis: IssueAnalysis;
      try {
        analysis = await analyzer.analyze(parsed.issue);
      } catch (err) {
        if (err instanceof UsageError) throw err;
        fail(line, `analysis failed: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      summary.analyzed++;
      const { repo, number } = parsed.issue;
      if (opts.data.json) io.stdout.write(`${JSON.stringify({ line, ...(repo ? { repo } : {}), ...(number ? { number } : {}), analysis })}\n`);
      else io.stdout.write(readableLine(line, parsed.issue, analysis));
    }
  } finally {
    await close();
  }
  return summary;
}

export function registerTriage(program: Command): void {
  program
    .command('triage')
    .description('Analyze issues given as JSON lines (title, body, optional labels, repo, number): category, criticality, complexity, solvability.')
    .option('--input <file>', 'JSON-lines file of issues, or - for stdin')
    .option('--analyzer <name>', 'offline or llm', 'offline')
    .option('--json', 'one JSON object per input line', false)
    .action(async (raw: { input?: string; analyzer: string; json: boolean }) => {
      if (raw.input === undefined) throw new UsageError('missing --input FILE.jsonl (or - for stdin)');
      const summary = await runTriage({ input: raw.input, analyzer: raw.analyzer, json: raw.json }, process);
      if (summary.failed > 0) throw new Error(`${summary.failed} of ${summary.failed + summary.analyzed} line(s) could not be analyzed`);
    });
}
