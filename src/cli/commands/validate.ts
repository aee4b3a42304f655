import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import parseArgsStringToArgv from 'string-argv';
import { z } from 'zod';
import { loadConfig } from '../../config/load.js';
import { UsageError } from '../../errors.js';
import type { EnvironmentCache } from '../../environment/cache.js';
import { environmentCacheFrom, sandboxFrom } from '../../environment/from-config.js';
import { prepareEnvironment } from '../../environment/prepare.js';
import { validatePatch } from '../../fix/validate/validate.js';
import { ValidationReport } from '../../fix/validate/schema.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import { printJson } from '../output.js';

const ValidateArgs = z.object({
  repo: z.string().min(1),
  patch: z.string().min(1),
  testPatch: z.string().min(1).optional(),
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

async function readPatch(file: string, flag: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path.resolve(file), 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${flag} ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (text.trim().length === 0) throw new UsageError(`${flag} ${file} is empty`);
  return text;
}

async function checkRepo(repoArg: string): Promise<string> {
  const repo = path.resolve(repoArg);
  try {
    if (!(await stat(repo)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new UsageError(`--repo is not a directory: ${repoArg}`);
  }
  try {
    await stat(path.join(repo, '.git'));
  } catch {
    throw new UsageError(`--repo is not a git repository (no .git): ${repoArg}`);
  }
  return repo;
}

/**
 * The command's work without commander: checks input, prepares the repository's environment
 * (cached), validates, and returns the report and exit code (0 only for `pass`).
 */
export async function runValidate(raw: ValidateArgs, deps: { sandbox?: Sandbox; cache?: EnvironmentCache; signal?: AbortSignal } = {}): Promise<{ report: ValidationReport; exitCode: number }> {
  const args = ValidateArgs.parse(raw);
  const repo = await checkRepo(args.repo);
  const patch = await readPatch(args.patch, '--patch');
  const testPatch = args.testPatch !== undefined ? await readPatch(args.testPatch, '--test-patch') : undefined;
  const testCommand = args.testCmd !== undefined ? splitTestCommand(args.testCmd) : undefined;
  const config = deps.cache && deps.sandbox ? null : loadConfig(process.env);
  const sandbox = deps.sandbox ?? sandboxFrom(config!);
  const cache = deps.cache ?? environmentCacheFrom(config!);
  // The sandbox's start-up check overlaps preparing the environment; a failure surfaces at the first run.
  sandbox.ready().catch(() => undefined);
  try {
    await cache.sweep();
    const prepared = await prepareEnvironment({ tree: repo, repo: path.basename(repo), sandbox, cache, ...(deps.signal ? { signal: deps.signal } : {}) });
    if (!prepared.ok) {
      const report = ValidationReport.parse({
        verdict: 'error', reasons: [prepared.reason], applied: false, testCommand: testCommand ?? [], before: null, after: null,
        fixed: [], broken: [], newTests: [], stillFailing: [], flaky: [], touchedFiles: [],
        environment: prepared.plan ? { ecosystem: prepared.plan.ecosystem, manager: prepared.plan.manager, key: '', cacheHit: false, durationMs: prepared.durationMs, notes: [] } : null,
      });
      return { report, exitCode: 1 };
    }
    const report = await validatePatch({
      repo, patch, sandbox, environment: prepared.env,
      timeoutMs: args.timeout * 1000,
      ...(testPatch !== undefined ? { testPatch } : {}),
      ...(testCommand ? { testCommand } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    return { report, exitCode: report.verdict === 'pass' ? 0 : 1 };
  } finally {
    if (!deps.sandbox) await sandbox.close?.();
  }
}

function printHuman(r: ValidationReport): void {
  const lines = [`verdict: ${r.verdict}`, ...r.reasons.map((x) => `  - ${x}`)];
  if (r.environment) lines.push(`environment: ${r.environment.ecosystem}/${r.environment.manager}, ${(r.environment.durationMs / 1000).toFixed(1)} s, ${r.environment.cacheHit ? 'cached' : 'installed'}`);
  if (r.testCommand.length > 0) lines.push(`test command: ${r.testCommand.join(' ')}`);
  const list = (label: string, xs: string[]): void => { if (xs.length > 0) lines.push(`${label}:`, ...xs.map((x) => `  ${x}`)); };
  list('fixed (failed before, pass after)', r.fixed);
  list('broken (passed before, fail after)', r.broken);
  list('new tests', r.newTests);
  list('still failing', r.stillFailing);
  list('flaky', r.flaky);
  for (const [label, run] of [['before', r.before], ['after', r.after]] as const) {
    if (run) lines.push(`${label}: exit ${String(run.exitCode)}, ${run.results.passed.length} passed, ${run.results.failed.length} failed (results from ${run.resultSource === 'report' ? "the runner's report" : run.resultSource === 'output' ? 'its output' : 'the exit code only'})${run.timedOut ? ', timed out' : ''}`);
    for (const v of run?.violations ?? []) lines.push(`  blocked ${v.kind}: ${v.evidence}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

export interface ValidateFlags { repo: string; patch: string; testPatch?: string; testCmd?: string; timeout: string; json?: boolean }

export async function validateAction(opts: ValidateFlags): Promise<void> {
  const { report, exitCode } = await runValidate(opts);
  if (opts.json) printJson(report);
  else printHuman(report);
  process.exitCode = exitCode;
}
