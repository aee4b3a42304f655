import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import parseArgsStringToArgv from 'string-argv';
import { z } from 'zod';
import { UsageError } from '../../errors.js';
import { validatePatch } from '../../fix/validate/validate.js';
import type { ValidationReport } from '../../fix/validate/schema.js';
import { BubblewrapSandbox } from '../../sandbox/bubblewrap.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import { printJson } from '../output.js';

const ValidateArgs = z.object({
  repo: z.string().min(1),
  patch: z.string().min(1),
  testCmd: z.string().min(1).optional(),
  timeout: z.coerce.number().int().positive().max(24 * 3600).default(600),
  json: z.boolean().optional(),
});
export type ValidateArgs = z.input<typeof ValidateArgs>;

/** Splits `--test-cmd` into argv without a shell: quotes group words, operators stay plain words. */
export function splitTestCommand(cmd: string): string[] {
  const argv = parseArgsStringToArgv(cmd);
  if (argv.length === 0) throw new UsageError('--test-cmd is empty');
  return argv;
}

/** The command's work without commander: checks input, validates, returns the report and exit code. */
export async function runValidate(raw: ValidateArgs, deps: { sandbox?: Sandbox; signal?: AbortSignal } = {}): Promise<{ report: ValidationReport; exitCode: number }> {
  const args = ValidateArgs.parse(raw);
  const repo = path.resolve(args.repo);
  try {
    if (!(await stat(repo)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new UsageError(`--repo is not a directory: ${args.repo}`);
  }
  try {
    await stat(path.join(repo, '.git'));
  } catch {
    throw new UsageError(`--repo is not a git repository (no .git): ${args.repo}`);
  }
  let patch: string;
  try {
    patch = await readFile(path.resolve(args.patch), 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --patch ${args.patch}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (patch.trim().length === 0) throw new UsageError(`--patch ${args.patch} is empty`);
  const report = await validatePatch({
    repo, patch, sandbox: deps.sandbox ?? new BubblewrapSandbox(),
    timeoutMs: args.timeout * 1000,
    ...(args.testCmd !== undefined ? { testCommand: splitTestCommand(args.testCmd) } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  return { report, exitCode: report.verdict === 'pass' ? 0 : 1 };
}

function printHuman(r: ValidationReport): void {
  const lines = [`verdict: ${r.verdict}`, ...r.reasons.map((x) => `  - ${x}`)];
  if (r.testCommand.length > 0) lines.push(`test command: ${r.testCommand.join(' ')}`);
  const list = (label: string, xs: string[]): void => { if (xs.length > 0) lines.push(`${label}:`, ...xs.map((x) => `  ${x}`)); };
  list('fixed (failed before, pass after)', r.fixed);
  list('broken (passed before, fail after)', r.broken);
  list('new tests', r.newTests);
  list('still failing', r.stillFailing);
  for (const [label, run] of [['before', r.before], ['after', r.after]] as const) {
    if (run) lines.push(`${label}: exit ${String(run.exitCode)}, ${run.results.passed.length} passed, ${run.results.failed.length} failed${run.timedOut ? ', timed out' : ''}`);
    for (const v of run?.violations ?? []) lines.push(`  blocked ${v.kind}: ${v.evidence}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

export interface ValidateFlags { repo: string; patch: string; testCmd?: string; timeout: string; json?: boolean }

export async function validateAction(opts: ValidateFlags): Promise<void> {
  const { report, exitCode } = await runValidate(opts);
  if (opts.json) printJson(report);
  else printHuman(report);
  process.exitCode = exitCode;
}
